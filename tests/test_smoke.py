from alexa import speech_text


def test_launch_help_stop(talk):
    first = talk.launch()
    assert "Welcome to Heart to Heart" in speech_text(first)
    assert first["response"]["shouldEndSession"] is False
    talk.say("AMAZON.HelpIntent")
    assert "question" in talk.text
    bye = talk.say("AMAZON.StopIntent")
    assert bye["response"]["shouldEndSession"] is True
