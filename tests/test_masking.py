"""Masking of the poster's nickname and IP address."""

import pytest

from articles.masking import mask_ip, mask_nickname


@pytest.mark.parametrize(
    "address, shown",
    [
        ("124.223.189.5", "124.223.189***"),
        ("124.223.189.255", "124.223.189***"),
        ("10.0.0.1", "10.0.0***"),
        (" 8.8.4.4 ", "8.8.4***"),
        ("2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3:****"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8:0:****"),
        ("fe80::1", "fe80:0:0:****"),
        ("::ffff:124.223.189.5", "124.223.189***"),
        ("", ""),
        (None, ""),
        ("not-an-ip", "***"),
        ("124.223.189", "***"),
    ],
)
def test_mask_ip(address, shown):
    assert mask_ip(address) == shown


@pytest.mark.parametrize(
    "nickname, shown",
    [
        ("16e2f9ab", "16e2****"),
        ("16e2f9abcdef0123", "16e2****"),
        ("法院宣传处小王", "法院宣****"),
        ("张三丰", "张****"),
        ("张三", "张****"),
        ("李", "****"),
        ("  16e2f9ab  ", "16e2****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_nickname(nickname, shown):
    assert mask_nickname(nickname) == shown


def test_masked_values_never_contain_the_hidden_part():
    assert "5" not in mask_ip("124.223.189.5").split("189")[1]
    assert "7334" not in mask_ip("2001:db8:85a3::8a2e:370:7334")
    assert "f9ab" not in mask_nickname("16e2f9ab")
