"""How long a tiny request waits while a long one runs: one lock per request, the fair lock taken per
batch of sentences (what serve.py does), and two model copies in two threads.

    PYTHONPATH=src python benchmarks/fairness.py
"""
import glob, threading, time, statistics
import torch
from vntransfer.pipeline import load
from vntransfer.serving.serve import FairLock
TINY = "Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ tỉnh Lào Cai."
seed = open(sorted(glob.glob("data/*.txt"))[0], encoding="utf-8").read()
HUGE = (seed * 3)[:30000]
import vntransfer.text.words as words
words._word_sizes = words._word_sizes.__wrapped__
HUGE = "\n".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob("data/*.txt")))[:60000]
print(len(HUGE))
a = load("models/default"); b = load("models/default")
a.predict(TINY); b.predict(TINY)
t0 = time.perf_counter(); a.predict(TINY); alone = time.perf_counter() - t0
print(f"tiny alone {alone*1000:.0f} ms")

def scenario(name, huge_call, tiny_call):
    done = {}
    def big():
        t = time.perf_counter(); huge_call(); done["huge"] = time.perf_counter() - t
    th = threading.Thread(target=big); th.start(); time.sleep(0.5)
    lats = []
    for _ in range(3):
        t = time.perf_counter(); tiny_call(); lats.append(time.perf_counter() - t)
        if "huge" in done: break
    th.join()
    print(f"{name}: tiny during huge {[round(x*1000) for x in lats]} ms; huge {done['huge']:.1f} s")

plain = threading.Lock()
def plain_call(ex, text):
    with plain: ex.predict_many([text])
scenario("one lock per request", lambda: plain_call(a, HUGE), lambda: plain_call(a, TINY))

fair = FairLock()
def fair_call(ex, text):
    fair.acquire()
    held = [True]
    def pause():
        fair.release(); fair.acquire()
    try: ex.predict_many([text], pause=pause)
    finally: fair.release()
scenario("fair lock per batch", lambda: fair_call(a, HUGE), lambda: fair_call(a, TINY))

scenario("two model copies, two threads", lambda: a.predict_many([HUGE]), lambda: b.predict_many([TINY]))
print("torch threads", torch.get_num_threads())
