def test_patient_record_requires_role():
    roles = {"nurse": {"read"}, "clerk": set()}
    assert "read" not in roles["clerk"]

def test_unique_user_ids():
    users = ["u1", "u2", "u3"]
    assert len(set(users)) == len(users)
