import event  # noqa: F401  (the acceptor publishes events)


def accept(worker_id):
    return worker_id * 2
