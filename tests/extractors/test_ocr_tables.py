"""Action-log tables on scanned pages, rebuilt from the positions of Tesseract's words."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from extractors.pdf.ocr import paragraphs_from_data, without_rules
from extractors.pdf.ocr_tables import find_tables

_HEIGHT = 30  # pixels of a word box, as for 10 pt text at 300 dpi
_SPACE = 12


def _words(lines: list[tuple[int, list[tuple[int, str]]]]) -> dict[str, list[object]]:
    """Tesseract's image_to_data columns for lines given as (top, [(left, text), ...]), each
    text's words set out from its left with word spaces; every line in a block of its own,
    as Tesseract often leaves table cells."""
    table: dict[str, list[object]] = {
        k: []
        for k in ("text", "conf", "block_num", "par_num", "line_num", "left", "top", "width",
                  "height")
    }
    block = 0
    for top, cells in lines:
        for left, text in cells:
            block += 1
            x = left
            for word in text.split():
                width = 18 * len(word)
                for key, value in (
                    ("text", word), ("conf", 90.0), ("block_num", block), ("par_num", 1),
                    ("line_num", 1), ("left", x), ("top", top), ("width", width),
                    ("height", _HEIGHT),
                ):
                    table[key].append(value)
                x += width + _SPACE
    return table


def test_columns_come_from_the_header_and_wrapped_cells_stay_in_their_row() -> None:
    data = _words([
        (100, [(200, "The committee agreed the following actions.")]),
        (200, [(200, "No."), (400, "Action"), (1300, "Responsible"), (1800, "Deadline")]),
        (280, [(200, "12/3"), (400, "Draft the on-call rota"), (1300, "Clinical Director"),
               (1800, "30 June 2026")]),
        (320, [(400, "for the surgical wards"), (1300, "(Surgery)")]),
        (400, [(200, "12/4"), (400, "Brief staff side"), (1300, "HR Business"),
               (1800, "Next meeting")]),
        (440, [(1300, "Partner")]),
        (560, [(200, "The meeting closed at 4pm and the chair thanked members for attending "
                     "and taking part in the discussion")]),
    ])
    tables = find_tables(data)
    assert tables.count == 1
    assert [row.cells for row in tables.rows] == [
        ("No.", "Action", "Responsible", "Deadline"),
        ("12/3", "Draft the on-call rota for the surgical wards", "Clinical Director (Surgery)",
         "30 June 2026"),
        ("12/4", "Brief staff side", "HR Business Partner", "Next meeting"),
    ]
    # The table's words are not read again as paragraphs; the text around it is.
    assert [p.text for p in paragraphs_from_data(data, skip=tables.used)] == [
        "The committee agreed the following actions.",
        "The meeting closed at 4pm and the chair thanked members for attending and taking "
        "part in the discussion",
    ]


def test_evenly_spaced_lines_are_rows_where_the_first_column_has_text() -> None:
    data = _words([
        (200, [(200, "Ref"), (400, "Action"), (1300, "Owner"), (1700, "Due")]),
        (250, [(200, "4.1"), (400, "Share the draft policy"), (1300, "KT"), (1700, "Q3")]),
        (300, [(400, "with the partnership group")]),
        (350, [(200, "4.2"), (400, "Book the venue"), (1300, "AM"), (1700, "31/10/2026")]),
    ])
    rows = [row.cells for row in find_tables(data).rows]
    assert rows[1:] == [
        ("4.1", "Share the draft policy with the partnership group", "KT", "Q3"),
        ("4.2", "Book the venue", "AM", "31/10/2026"),
    ]


def test_no_table_without_an_action_header() -> None:
    data = _words([
        (200, [(200, "Name"), (800, "Role"), (1400, "Organisation")]),
        (250, [(200, "J Smith"), (800, "Chair"), (1400, "UNISON")]),
        (300, [(200, "P Jones"), (800, "Secretary"), (1400, "RCN")]),
    ])
    assert find_tables(data).count == 0


def _ruled_page() -> tuple[Image.Image, dict[str, list[object]]]:
    """Rows drawn with rules between them, their lines as evenly spaced as a cell's lines."""
    image = Image.new("L", (2000, 700), color=255)
    draw = ImageDraw.Draw(image)
    for y in (180, 240, 370, 500):
        draw.line([(180, y), (1950, y)], fill=0, width=3)
    data = _words([
        (195, [(200, "Action"), (1000, "Lead"), (1500, "By when")]),
        (255, [(200, "Update the risk register"), (1000, "Head of Risk"), (1500, "May 2026")]),
        (305, [(200, "and circulate it")]),
        (385, [(200, "Write to the unions"), (1000, "Director of People"),
               (1500, "1 June 2026")]),
        (435, [(1000, "and OD")]),
    ])
    return image, data


def test_rules_in_the_image_part_the_rows() -> None:
    image, data = _ruled_page()
    rows = [row.cells for row in find_tables(data, image).rows]
    assert rows[1:] == [
        ("Update the risk register and circulate it", "Head of Risk", "May 2026"),
        ("Write to the unions", "Director of People and OD", "1 June 2026"),
    ]


def test_rules_are_wiped_and_letters_kept() -> None:
    image = Image.new("L", (800, 300), color=255)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(50, 50), (750, 250)], outline=0, width=3)
    draw.text((100, 120), "Owner", fill=0)
    cleaned = without_rules(image)
    assert cleaned.getpixel((400, 51)) == 255  # the top rule
    assert cleaned.getpixel((51, 150)) == 255  # the left rule
    letters = image.crop((95, 115, 160, 140))
    assert letters.getextrema()[0] < 128
    assert cleaned.crop((95, 115, 160, 140)).tobytes() == letters.tobytes()
    plain = Image.new("L", (100, 100), color=255)
    assert without_rules(plain) is plain


def test_the_stems_of_large_letters_are_not_rules() -> None:
    from reportlab.pdfgen import canvas

    font = ImageFont.truetype(str(Path(canvas.__file__).parents[1] / "fonts" / "Vera.ttf"), 190)
    image = Image.new("L", (900, 400), color=255)
    draw = ImageDraw.Draw(image)
    draw.text((100, 80), "HIT", fill=0, font=font)  # 45 pt at 300 dpi
    draw.line([(50, 350), (850, 350)], fill=0, width=3)  # an underline
    cleaned = without_rules(image)
    assert cleaned.crop((0, 0, 900, 320)).tobytes() == image.crop((0, 0, 900, 320)).tobytes()
    assert cleaned.getpixel((450, 350)) == 255


def test_header_labels_wrapped_onto_a_second_line() -> None:
    data = _words([
        (200, [(200, "Minute"), (450, "Action"), (1300, "Lead"), (1700, "By")]),
        (235, [(200, "no."), (1300, "officer"), (1700, "when")]),
        (320, [(200, "7/2"), (450, "Review the lone working policy"), (1300, "Head of Security"),
               (1700, "1 May 2026")]),
        (400, [(200, "7/3"), (450, "Cost the new rota"), (1300, "Finance Lead"),
               (1700, "Q1")]),
    ])
    rows = [row.cells for row in find_tables(data).rows]
    assert rows == [
        ("Minute no.", "Action", "Lead officer", "By when"),
        ("7/2", "Review the lone working policy", "Head of Security", "1 May 2026"),
        ("7/3", "Cost the new rota", "Finance Lead", "Q1"),
    ]


def test_a_page_fed_askew_is_levelled() -> None:
    from extractors.pdf.ocr import skew_angle

    image = Image.new("L", (1600, 1200), color=255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 1100, 60):
        for x in range(100, 1500, 90):
            draw.rectangle([(x, y), (x + 60, y + 18)], fill=0)  # words on lines
    assert skew_angle(image) == 0.0
    turned = image.rotate(1.2, fillcolor=255)
    assert abs(skew_angle(turned) + 1.2) <= 0.2


def test_upright_rules_place_the_columns_under_centred_headers() -> None:
    image = Image.new("L", (2000, 600), color=255)
    draw = ImageDraw.Draw(image)
    for x in (180, 900, 1400, 1950):
        draw.line([(x, 150), (x, 520)], fill=0, width=3)
    for y in (150, 250, 520):
        draw.line([(180, y), (1950, y)], fill=0, width=3)
    # Headers centred in their cells; the cells below set flush left, starting well left of
    # the header above them.
    data = _words([
        (185, [(480, "Action"), (1080, "Owner"), (1620, "Due")]),
        (270, [(200, "Agree the revised on-call rota"), (920, "Clinical Director"),
               (1420, "30 April 2026")]),
    ])
    rows = [row.cells for row in find_tables(data, image).rows]
    assert rows == [
        ("Action", "Owner", "Due"),
        ("Agree the revised on-call rota", "Clinical Director", "30 April 2026"),
    ]
    # Without the image (no rules seen) the owner and due would fall a column short.
    assert [row.cells for row in find_tables(data).rows] != rows


def test_minutes_set_out_as_a_table_stay_paragraphs() -> None:
    data = _words([
        (200, [(200, "Item"), (350, "Discussion"), (1300, "Action"), (1600, "Lead"),
               (1800, "Date")]),
        (250, [(200, "6."), (350, "Ward 3 rota review was presented"), (1300, "Share rota"),
               (1600, "HoN"), (1800, "May")]),
        (300, [(200, "7."), (350, "Car parking charges were noted"), (1300, "None"),
               (1600, "-"), (1800, "-")]),
    ])
    assert find_tables(data).count == 0


def _ruled_rows(rows: list[tuple[int, list[tuple[int, str]]]]) -> tuple[Image.Image, dict]:
    """A page topped by rows of a ruled table with no header, as a log run on from the page
    before leaves them: upright rules at the columns, a rule under each row."""
    image = Image.new("L", (2000, 800), color=255)
    draw = ImageDraw.Draw(image)
    bottom = rows[-1][0] + 80
    for x in (180, 420, 1200, 1600, 1950):
        draw.line([(x, 160), (x, bottom)], fill=0, width=3)
    for y in (160, *(top + 70 for top, _ in rows)):
        draw.line([(180, y), (1950, y)], fill=0, width=3)
    data = _words([(40, [(900, "Page 2 of 2")]), *rows])
    return image, data


def test_a_ruled_log_run_on_from_the_page_before_keeps_its_columns() -> None:
    image, data = _ruled_rows([
        (180, [(200, "PF/12"), (440, "Send the rota to staff side"), (1220, "Rota Lead"),
               (1620, "12/06/2026")]),
        (260, [(200, "PF/13"), (440, "Book the venue"), (1220, "PA to the Chair"),
               (1620, "next meeting")]),
    ])
    rows = [row.cells for row in find_tables(data, image).rows]
    assert rows == [
        ("PF/12", "Send the rota to staff side", "Rota Lead", "12/06/2026"),
        ("PF/13", "Book the venue", "PA to the Chair", "next meeting"),
    ]
    # Without rules there is nothing to say the lines were a table's.
    assert find_tables(data).count == 0


def test_rows_without_a_header_and_without_dues_are_not_taken() -> None:
    image, data = _ruled_rows([
        (180, [(200, "8"), (440, "Pay award"), (1220, "Noted"), (1620, "None")]),
        (260, [(200, "9"), (440, "Car parking"), (1220, "Deferred"), (1620, "None")]),
    ])
    assert find_tables(data, image).count == 0


def test_a_header_at_the_foot_of_a_page_is_kept_for_the_rows_overleaf() -> None:
    data = _words([
        (100, [(200, "Members agreed the actions below.")]),
        (3300, [(200, "Ref"), (400, "Action"), (1300, "Owner"), (1700, "Due")]),
    ])
    tables = find_tables(data)
    assert [row.cells for row in tables.rows] == [("Ref", "Action", "Owner", "Due")]
    # Anywhere else on a page, a header with no rows under it is only a line of text.
    data = _words([
        (100, [(200, "Ref"), (400, "Action"), (1300, "Owner"), (1700, "Due")]),
        (400, [(200, "The meeting closed at 4pm and the chair thanked members for attending "
                     "and taking part in the discussion")]),
    ])
    assert find_tables(data).count == 0
