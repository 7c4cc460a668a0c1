"""Makes the demo files attached to demo listings (seed_data/attachments.json); run once, the files are kept.

    .venv/bin/python seed_data/attachments/make_files.py --chromium /usr/bin/chromium

The technology profile (PDF) and the process diagram (PNG) are HTML pages printed and photographed by
Chromium; the specification sheet is written with openpyxl. Like all demo data, their figures come from the
demo listings' own text and are made up.
"""

import argparse
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
STYLE = """
body { font-family: 'Noto Sans', sans-serif; color: #1f1a24; margin: 0; }
h1 { color: #4b2a6b; font-size: 20pt; margin: 0 0 4pt; }
h2 { color: #4b2a6b; font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 1px solid #e4dfe8; }
p, li, td { font-size: 10.5pt; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; }
td { border: 1px solid #e4dfe8; padding: 4pt 6pt; vertical-align: top; }
td:first-child { width: 32%; color: #5f5968; }
.kicker { color: #c2457a; font-weight: 700; font-size: 9pt; letter-spacing: .05em; text-transform: uppercase; }
.demo { color: #5f5968; font-size: 8.5pt; margin-top: 18pt; }
"""
PROFILE = """
<p class="kicker">Hồ sơ công nghệ · Viện Hóa học (VAST)</p>
<h1>Chưng cất phân đoạn chân không và chuẩn hóa GC-MS tinh dầu tràm gió</h1>
<p>Quy trình tinh chế tinh dầu tràm thô ở áp suất thấp, kèm phân tích GC-MS nội chuẩn, đưa hàm lượng
1,8-cineol về mức 60–65% ổn định giữa các lô.</p>
<h2>Thông tin chính</h2>
<table>
<tr><td>Mức độ sẵn sàng (TRL)</td><td>6 — thiết bị pilot 20 L/mẻ, 36 mẻ dầu thô của 9 cơ sở</td></tr>
<tr><td>Sở hữu trí tuệ</td><td>Đã nộp đơn sáng chế số 1-2024-05123</td></tr>
<tr><td>Nguyên liệu</td><td>Tinh dầu tràm gió (<i>Melaleuca cajuputi</i> Powell) thô từ Phú Lộc, Phong Điền</td></tr>
<tr><td>Tiêu chuẩn đối chiếu</td><td>Dược điển Việt Nam V</td></tr>
<tr><td>Hình thức hợp tác</td><td>Li-xăng không độc quyền; tư vấn kỹ thuật; cùng phát triển</td></tr>
</table>
<h2>Các bước của quy trình</h2>
<ol>
<li>Lọc và tách nước dầu thô; đo độ ẩm và chỉ số khúc xạ đầu vào.</li>
<li>Chưng cất phân đoạn ở 20–40 mbar trên cột đệm cao 1,2 m.</li>
<li>Tách phần đầu giàu α-pinen và phần đuôi chứa sesquiterpen nặng, giữ phân đoạn giữa giàu cineol.</li>
<li>Phân tích GC-MS nội chuẩn với 12 cấu tử chỉ thị; lập phiếu kết quả và sắc ký đồ cho từng lô.</li>
</ol>
<h2>Kết quả đạt được</h2>
<table>
<tr><td>Độ lệch cineol giữa các lô</td><td>từ ±11% xuống ±2,5%</td></tr>
<tr><td>Hiệu suất thu hồi phân đoạn chính</td><td>78–82%</td></tr>
<tr><td>Chi phí tinh chế</td><td>khoảng 85.000 đồng/lít</td></tr>
</table>
<h2>Điều kiện chuyển giao</h2>
<p>Chuyển giao quyền sử dụng quy trình không độc quyền, 250 triệu đồng trọn gói kèm đào tạo 2 kỹ thuật viên;
hoặc dịch vụ phân tích GC-MS 1,2 triệu đồng/mẫu.</p>
<p class="demo">Tài liệu mẫu của bản trình diễn Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế: số liệu không có thật.</p>
"""
DIAGRAM = """
<style>
body { width: 1200px; height: 470px; display: flex; flex-direction: column; justify-content: center; background: #fff; }
.row { display: flex; align-items: center; justify-content: center; gap: 18px; margin: 10px 0; }
.box { border: 2px solid #4b2a6b; border-radius: 10px; padding: 14px 18px; width: 190px; text-align: center; font-size: 17px; }
.box.main { background: #f4effa; font-weight: 700; }
.box.side { border-color: #b45309; color: #7a3b06; }
.arrow { font-size: 30px; color: #4b2a6b; }
h1 { text-align: center; font-size: 26px; }
.note { text-align: center; color: #5f5968; font-size: 14px; }
</style>
<h1>Sơ đồ quy trình chưng cất phân đoạn tinh dầu tràm</h1>
<div class="row">
  <div class="box">Dầu tràm thô<br>(cineol 42–68%)</div><div class="arrow">→</div>
  <div class="box">Lọc, tách nước</div><div class="arrow">→</div>
  <div class="box main">Chưng cất phân đoạn<br>20–40 mbar, cột 1,2 m</div><div class="arrow">→</div>
  <div class="box">GC-MS nội chuẩn<br>12 cấu tử</div>
</div>
<div class="row">
  <div class="box side">Phần đầu<br>giàu α-pinen</div>
  <div class="box main">Phân đoạn giữa<br>cineol 60–65%</div>
  <div class="box side">Phần đuôi<br>sesquiterpen nặng</div>
  <div class="box">Phiếu kết quả lô<br>và sắc ký đồ</div>
</div>
<p class="note">Hình minh họa cho bản trình diễn; số liệu không có thật.</p>
"""


def spreadsheet(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thông số kỹ thuật"
    rows = [
        ("Hạng mục", "Thông số", "Ghi chú"),
        ("Dung tích nồi", "2 m³", "chứa 500–600 kg lá tràm"),
        ("Vật liệu", "Inox 304, dày 3 mm", "thân, nắp, ghi đỡ lá"),
        ("Ghi đỡ lá", "cách đáy 40 cm", "hơi nước phân bố đều"),
        ("Bộ ngưng tụ", "ống chùm inox, 48 ống Ø19", "nước làm mát tuần hoàn"),
        ("Nhiệt độ dịch ngưng", "30–35 °C", ""),
        ("Bình phân ly", "kiểu Florentine, 60 L", "tách dầu liên tục"),
        ("Thời gian một mẻ", "4,5 giờ", "nồi tôn: 6–7 giờ"),
        ("Giá bán", "185.000.000 đồng/bộ", "gồm lắp đặt; HTX trả chậm 50% trong 12 tháng"),
        ("", "", "Tài liệu mẫu của bản trình diễn: số liệu không có thật."),
    ]
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABC", (26, 30, 48), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium)
        page = browser.new_page()
        page.set_content(f"<html lang='vi'><meta charset='utf-8'><style>{STYLE}</style><body>{PROFILE}</body></html>")
        page.pdf(path=str(HERE / "ho-so-cong-nghe-tinh-dau-tram.pdf"), format="A4",
                 margin={"top": "18mm", "bottom": "18mm", "left": "18mm", "right": "18mm"})
        page.set_viewport_size({"width": 1200, "height": 470})
        page.set_content(f"<html lang='vi'><meta charset='utf-8'><style>{STYLE}</style><body>{DIAGRAM}</body></html>")
        page.screenshot(path=str(HERE / "so-do-quy-trinh-chung-cat.png"))
        browser.close()
    spreadsheet(HERE / "thong-so-noi-chung-cat-inox.xlsx")


if __name__ == "__main__":
    main()
