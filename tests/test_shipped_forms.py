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
    ("nomination by a standing council (giới thiệu … để bầu)",
     "Thường trực HĐND tỉnh Sơn La giới thiệu ông Lò Văn Mạnh, Giám đốc Sở Nông nghiệp và Môi trường, để HĐND tỉnh bầu "
     "giữ chức Phó Chủ tịch UBND tỉnh.",
     [("Lò Văn Mạnh", "GIOI_THIEU", "giới thiệu", [("Phó Chủ tịch", "UBND tỉnh")], [])]),
    ("university board, recognised by the minister",
     "Bộ trưởng Bộ Giáo dục và Đào tạo công nhận ông Lê Minh Chiến giữ chức Chủ tịch Hội đồng trường Trường Đại học Quy Nhơn.",
     [("Lê Minh Chiến", "OTHER", "công nhận", [("Chủ tịch", "Hội đồng trường Trường Đại học Quy Nhơn")], [])]),
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
    ("approval by a Party committee (chuẩn y)",
     "Ban Thường vụ Tỉnh ủy Thái Bình chuẩn y ông Trần Văn Tâm giữ chức Bí thư Đảng ủy xã Tân Lập.",
     [("Trần Văn Tâm", "OTHER", "chuẩn y", [("Bí thư", "Đảng ủy xã Tân Lập")], [])]),
    ("re-election (tái cử), mass organisation",
     "Bà Nguyễn Thị Thu Hà được tái cử giữ chức Chủ tịch Hội Liên hiệp Phụ nữ tỉnh Bắc Ninh.",
     [("Nguyễn Thị Thu Hà", "BAU", "tái cử", [("Chủ tịch", "Hội Liên hiệp Phụ nữ tỉnh Bắc Ninh")], [])]),
    ("acting head (giao quyền), post before the person",
     "Bộ trưởng Bộ Y tế giao quyền Giám đốc Bệnh viện Chợ Rẫy cho ông Phạm Thanh Việt.",
     [("Phạm Thanh Việt", "OTHER", "giao quyền", [("Giám đốc", "Bệnh viện Chợ Rẫy")], [])]),
    ("Quốc hội election",
     "Quốc hội đã bầu bà Lê Thị Nga giữ chức Chủ nhiệm Ủy ban Pháp luật của Quốc hội.",
     [("Lê Thị Nga", "BAU", "bầu", [("Chủ nhiệm", "Ủy ban Pháp luật")], [])]),
    ("one post shared by two people",
     "HĐND tỉnh đã bầu ông Lê Minh Hùng và bà Trần Thị Lan giữ chức Phó Chủ tịch UBND tỉnh Hà Giang.",
     [("Lê Minh Hùng", "BAU", "bầu", [("Phó Chủ tịch", "UBND tỉnh Hà Giang")], []),
      ("Trần Thị Lan", "BAU", "bầu", [("Phó Chủ tịch", "UBND tỉnh Hà Giang")], [])]),
    ("title before each name",
     "Ba giám đốc sở được bổ nhiệm mới là: giám đốc Sở Xây dựng Nguyễn Văn Hùng; giám đốc Sở Tài chính Lê Thị Hoa "
     "và giám đốc Sở Y tế Đỗ Minh Tuấn.",
     [("Nguyễn Văn Hùng", "BO_NHIEM", "bổ nhiệm", [("giám đốc", "Sở Xây dựng")], []),
      ("Lê Thị Hoa", "BO_NHIEM", "bổ nhiệm", [("giám đốc", "Sở Tài chính")], []),
      ("Đỗ Minh Tuấn", "BO_NHIEM", "bổ nhiệm", [("giám đốc", "Sở Y tế")], [])]),
    ("diplomacy",
     "Chủ tịch nước bổ nhiệm bà Nguyễn Thị Hương làm Đại sứ đặc mệnh toàn quyền Việt Nam tại Nhật Bản.",
     [("Nguyễn Thị Hương", "BO_NHIEM", "bổ nhiệm", [("Đại sứ đặc mệnh toàn quyền", None)], [])]),
    ("procuracy, a chain of verbs",
     "Viện trưởng VKSND tối cao điều động, bổ nhiệm ông Lê Văn Sơn, Phó Viện trưởng VKSND tỉnh Đồng Nai, giữ chức "
     "Viện trưởng VKSND tỉnh Bình Dương.",
     [("Lê Văn Sơn", "DIEU_DONG", "điều động", [("Viện trưởng", "VKSND tỉnh Bình Dương")], [])]),
    ("bank",
     "Thống đốc Ngân hàng Nhà nước bổ nhiệm ông Đào Minh Tú giữ chức Phó Thống đốc Ngân hàng Nhà nước Việt Nam.",
     [("Đào Minh Tú", "BO_NHIEM", "bổ nhiệm", [("Phó Thống đốc", "Ngân hàng Nhà nước Việt Nam")], [])]),
    ("press",
     "Ông Nguyễn Văn Hải được bổ nhiệm làm Tổng Biên tập Báo Nhân Dân.",
     [("Nguyễn Văn Hải", "BO_NHIEM", "bổ nhiệm", [("Tổng Biên tập", "Báo Nhân Dân")], [])]),
    ("after a merger, no trigger word",
     "Sau sáp nhập, ông Trần Quang Minh giữ chức Giám đốc Sở Nội vụ tỉnh Ninh Bình.",
     [("Trần Quang Minh", "OTHER", None, [("Giám đốc", "Sở Nội vụ tỉnh Ninh Bình")], [])]),
    ("promotion (thăng chức), enterprise",
     "Ông Võ Văn Dũng được thăng chức Phó Tổng Giám đốc Tổng công ty Đường sắt Việt Nam.",
     [("Võ Văn Dũng", "OTHER", "thăng chức", [("Phó Tổng Giám đốc", "Tổng công ty Đường sắt Việt Nam")], [])]),
    ("a reception moves nobody",
     "Thủ tướng Phạm Minh Chính tiếp Đại sứ Nhật Bản tại Hà Nội",
     []),
    ("a short mention takes the move",
     "Ông Dũng được bầu làm Chủ tịch HĐND huyện Mường Tè.",
     [("Dũng", "BAU", "bầu", [("Chủ tịch", "HĐND huyện Mường Tè")], [])]),
    ("a retirement moves nobody",
     "Đại tá Nguyễn Văn Hùng, Chính ủy Bộ Chỉ huy Quân sự tỉnh Sơn La, nghỉ hưu theo chế độ.",
     []),
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
    from vntransfer.annotation.corpus import load_documents
    from vntransfer.annotation.validation import validate_document

    texts = [d.text for d in load_documents([ROOT / "data" / "dev" / "dev40.jsonl"])]
    texts += ["Thủ tướng Phạm Minh Chính tiếp Đại sứ Nhật Bản tại Hà Nội", "Ông An giữ chức Bí thư.",
              "Ong Nguyen Van An giu chuc Bi thu Tinh uy Lao Cai", "Hà Nội", "- 1. ; :"]
    for k, doc in enumerate(shipped.predict_many(texts)):
        assert validate_document(doc) == [], (k, texts[k][:60])


def test_a_short_mention_is_a_person_holding_its_post(shipped):
    """SPEC.md: ông [An] is a PERSON; the sentence states the post he holds."""
    doc = shipped.predict("Ông An giữ chức Bí thư.")
    ents = doc.entity_map()
    assert sorted((e.type, e.text) for e in doc.entities) == [("PERSON", "An"), ("POSITION", "Bí thư")]
    assert [(r.type, ents[r.head].text, ents[r.tail].text) for r in doc.relations] == [("HOLDS", "An", "Bí thư")]
    assert doc.events == ()


def test_the_standing_committee_opening_a_decision_is_one_body(shipped):
    """A regression of the session-11 model ([Ban] [Tỉnh ủy]): the generator had left "Ban Thường vụ " outside the
    BODY in one of its forms; SPEC.md makes the collective organ one BODY, its place nested."""
    doc = shipped.predict("Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ.")
    assert ("BODY", "Ban Thường vụ Tỉnh ủy") in [(e.type, e.text) for e in doc.entities]
    doc = shipped.predict("Ban Thường vụ Thành ủy Cần Thơ điều động bà Trương Thị Mai, Phó Giám đốc Sở Y tế, giữ chức "
                          "Chánh Văn phòng Thành ủy.")
    spans = [(e.type, e.text) for e in doc.entities]
    assert ("BODY", "Ban Thường vụ Thành ủy Cần Thơ") in spans and ("LOCALITY", "Cần Thơ") in spans
    assert not any(t == "POSITION" and "Thường vụ" in x for t, x in spans)


def _entities(shipped, text):
    return [(e.type, e.text) for e in shipped.predict(text).entities]


def test_boundaries_left_to_the_crf_decoder(shipped):
    """Issue 12's cases outside the seeds, once handled (or broken) by repairs over word segmentation: a rank is
    no part of the person, a modifier of the holder glued to the title by the segmenter ("Nguyên_Phó Thủ_tướng",
    "Cựu_Bộ_trưởng") no part of the post, and a foreign name with its suffix is one PERSON."""
    spans = _entities(shipped, "Báo cáo với đoàn, Thiếu tướng Lê Xuân Thế cho biết đơn vị đã hoàn thành nhiệm vụ.")
    assert [x for x in spans if x[0] == "PERSON"] == [("PERSON", "Lê Xuân Thế")]
    assert _entities(shipped, "Nguyên Phó Thủ tướng Vũ Đức Đam dự buổi lễ.") == [("POSITION", "Phó Thủ tướng"),
                                                                               ("PERSON", "Vũ Đức Đam")]
    assert _entities(shipped, "Cựu Bộ trưởng Bộ Y tế Nguyễn Thị Kim Tiến phát biểu.") == [
        ("POSITION", "Bộ trưởng"), ("BODY", "Bộ Y tế"), ("PERSON", "Nguyễn Thị Kim Tiến")]
    assert ("PERSON", "Ferdinand Marcos Jr") in _entities(shipped, "Tổng thống Philippines Ferdinand Marcos Jr tiếp Đại sứ Việt Nam.")
    # SPEC.md's admin-word rule (a repair kept): after a numeral the admin word belongs to no name
    assert [x for x in _entities(shipped, "Hai xã Xuân Vân và Trung Sơn được sáp nhập.") if x[0] == "LOCALITY"][:1] == [
        ("LOCALITY", "Xuân Vân")]


def test_a_new_holder_opening_a_sentence_keeps_the_post(shipped):
    """Issue 12: the segmenter glues the modifier 'new' to the title ('Tân_Bí_thư'); the modifier is no part of the post."""
    assert ("POSITION", "Bí thư") in _entities(shipped, "Tân Bí thư Tỉnh ủy Nghệ An Nguyễn Đức Trung phát biểu.")


def test_a_time_phrase_opening_a_sentence_is_no_place(shipped):
    """Issue 12: a capitalised 'Cuối' opening a sentence is no place name (no repair drops it: the model has learned it)."""
    assert _entities(shipped, "Cuối năm xã Tân Lập tổ chức đại hội.") == [("LOCALITY", "xã Tân Lập")]
