"""The client's errors when no server answers (the answers of a server: test_server.py)."""
import socket
import threading

import pytest

from serving.client import ServingClient, ServingError


def test_an_address_where_nothing_listens_is_a_serving_error_that_says_so(silent_url):
    with pytest.raises(ServingError, match=r":predict: no server answers \(.*refused.*\); `dsr serve") as err:
        ServingClient(silent_url).predict("segmenter", instances=[b"x"])
    assert err.value.status is None


def test_a_server_that_never_answers_is_a_serving_error_after_the_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted = []
        threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(ServingError, match=r"segmenter: no answer within 0.5 s") as err:
            ServingClient(url, timeout=0.5).status("segmenter")
        assert err.value.status is None
        for connection, _ in accepted:
            connection.close()
