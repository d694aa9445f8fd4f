IDLE_TIMEOUT_MINUTES = 30

def test_session_expires_after_idle_timeout():
    # Fails on purpose: the fixture records a failing HIPAA control test.
    assert IDLE_TIMEOUT_MINUTES <= 15, "idle sessions must end within 15 minutes"
