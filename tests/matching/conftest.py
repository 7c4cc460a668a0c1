"""Small real-Vietnamese corpora shared by the matching tests."""

import pytest

OFFERS = [
    "Chiết xuất tinh dầu tràm gió ở Phong Điền bằng chưng cất hơi nước tiết kiệm củi",
    "Tạo trầm hương trên cây dó bầu bằng chế phẩm vi sinh an toàn",
    "Nuôi trồng thủy sản trên đầm phá Tam Giang: quan trắc ô-xy hòa tan và cảnh báo sớm",
    "Phần mềm truy xuất nguồn gốc bằng mã QR cho hợp tác xã và sản phẩm OCOP",
    "Cao khô lá sen chuẩn hóa nuciferin hỗ trợ giảm mỡ máu",
    "Chuyển đổi số cho làng nghề nón lá và thêu tay Huế",
]


@pytest.fixture
def offers() -> list[str]:
    """Return a handful of Vietnamese offer texts."""
    return list(OFFERS)
