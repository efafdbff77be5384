"""The shipped model on the forms real announcements take (issue 13), one hand-written sentence each,
none of them from the seeds, the dev set or the training corpora: the move of each is predicted exactly
(person, event class, trigger word, new post and its body, destination)."""
import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

# (form, sentence, [(person, class, trigger, [(post, body or None)], [destinations])])
FORMS = [
    ("approval, post before the people",
     "Thủ tướng Chính phủ vừa phê chuẩn kết quả bầu chức vụ Phó Chủ tịch UBND tỉnh Quảng Trị nhiệm kỳ 2021 - 2026 "
     "đối với ông Hoàng Văn Nam, Giám đốc Sở Tài chính.",
     [("Hoàng Văn Nam", "OTHER", "phê chuẩn", [("Phó Chủ tịch", "UBND tỉnh Quảng Trị")], [])]),
    ("active decision",
     "Ban Thường vụ Tỉnh ủy Nghệ An điều động ông Trần Quốc Bảo, Phó Giám đốc Sở Xây dựng, giữ chức Giám đốc Sở Tài chính.",
     [("Trần Quốc Bảo", "DIEU_DONG", "điều động", [("Giám đốc", "Sở Tài chính")], [])]),
    ("rank before the name, army",
     "Bộ trưởng Bộ Quốc phòng bổ nhiệm Thiếu tướng Lê Văn Hòa, Phó Tư lệnh Quân khu 5, giữ chức Tư lệnh Quân khu 5.",
     [("Lê Văn Hòa", "BO_NHIEM", "bổ nhiệm", [("Tư lệnh", "Quân khu 5")], [])]),
    ("rank before the name, police",
     "Đại tá Trần Minh Đức, Phó Giám đốc Công an tỉnh Hà Nam, được điều động giữ chức Giám đốc Công an tỉnh Nam Định.",
     [("Trần Minh Đức", "DIEU_DONG", "điều động", [("Giám đốc", "Công an tỉnh Nam Định")], [])]),
    ("court",
     "Chánh án TAND tối cao đã bổ nhiệm ông Phạm Văn Tuấn, Phó Chánh án TAND tỉnh Tây Ninh, giữ chức Chánh án TAND tỉnh Long An.",
     [("Phạm Văn Tuấn", "BO_NHIEM", "bổ nhiệm", [("Chánh án", "TAND tỉnh Long An")], [])]),
    ("election by a council",
     "HĐND tỉnh Bắc Giang đã bầu ông Nguyễn Văn Thắng, Giám đốc Sở Nội vụ, giữ chức Phó Chủ tịch UBND tỉnh.",
     [("Nguyễn Văn Thắng", "BAU", "bầu", [("Phó Chủ tịch", "UBND tỉnh")], [])]),
    ("enterprise",
     "Bộ Công Thương bổ nhiệm ông Đặng Văn Khoa giữ chức Tổng Giám đốc Tập đoàn Điện lực Việt Nam.",
     [("Đặng Văn Khoa", "BO_NHIEM", "bổ nhiệm", [("Tổng Giám đốc", "Tập đoàn Điện lực Việt Nam")], [])]),
    ("hospital",
     "Bộ Y tế điều động ông Lê Quang Huy, Phó Giám đốc Bệnh viện Bạch Mai, giữ chức Giám đốc Bệnh viện Hữu nghị.",
     [("Lê Quang Huy", "DIEU_DONG", "điều động", [("Giám đốc", "Bệnh viện Hữu nghị")], [])]),
    ("two people, one trigger, one destination",
     "Bộ Chính trị điều động đồng chí Nguyễn Văn Nam, Bí thư Tỉnh ủy Hà Nam, và đồng chí Lê Văn Thành, Phó Chủ tịch "
     "UBND tỉnh Hà Tĩnh, về công tác tại Ban Tổ chức Trung ương.",
     [("Nguyễn Văn Nam", "DIEU_DONG", "điều động", [], ["Ban Tổ chức Trung ương"]),
      ("Lê Văn Thành", "DIEU_DONG", "điều động", [], ["Ban Tổ chức Trung ương"])]),
    ("false friends, no move",
     "Cử tri xã Tân Lập kiến nghị cải thiện điều kiện làm việc và đẩy mạnh chuyển đổi số.",
     []),
]


@pytest.fixture(scope="module")
def shipped():
    from vntransfer import load

    return load(ROOT / "models" / "default")


def _moves(doc):
    ents = doc.entity_map()
    out = []
    for ev in doc.events:
        out.append((ents[ev.person].text, ev.type, ev.trigger.text if ev.trigger else None,
                    [(ents[s.position].text, ents[s.body].text if s.body else None) for s in ev.to],
                    [ents[d].text for d in ev.destination]))
    return out


@pytest.mark.parametrize("form, sentence, expected", FORMS, ids=[f[0] for f in FORMS])
def test_shipped_model_predicts_the_move_of_each_form(shipped, form, sentence, expected):
    assert _moves(shipped.predict(sentence)) == expected


def test_every_prediction_is_a_valid_document(shipped):
    """No relation from an entity to itself, no two types on one span, events that agree with the
    relations: the validator finds nothing in the shipped model's output on the dev texts and on
    sentences that once gave such output."""
    from vntransfer.corpus import load_documents
    from vntransfer.validation import validate_document

    texts = [d.text for d in load_documents([ROOT / "data" / "dev" / "dev40.jsonl"])]
    texts += ["Thủ tướng Phạm Minh Chính tiếp Đại sứ Nhật Bản tại Hà Nội", "Ông An giữ chức Bí thư.",
              "Ong Nguyen Van An giu chuc Bi thu Tinh uy Lao Cai", "Hà Nội", "- 1. ; :"]
    for k, doc in enumerate(shipped.predict_many(texts)):
        assert validate_document(doc) == [], (k, texts[k][:60])
