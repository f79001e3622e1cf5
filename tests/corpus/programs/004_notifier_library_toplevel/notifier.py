"""A small notification library: each notification gets a listener process for its callbacks."""
import multiprocessing


def _listen(title, ready):
    ready.put(f"listening for clicks on {title!r}")


def create_notification(title, subtitle, text):
    ready = multiprocessing.Queue()
    listener = multiprocessing.Process(target=_listen, args=(title, ready), daemon=True)
    listener.start()
    status = ready.get(timeout=10)
    listener.join()
    return f"{title} / {subtitle} / {text} ({status})"
