def test_api_rejects_plain_http():
    allowed = {"https"}
    assert "http" not in allowed
