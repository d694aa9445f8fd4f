def test_phi_read_is_logged():
    log = [("u1", "read", "patient/7")]
    assert ("u1", "read", "patient/7") in log
