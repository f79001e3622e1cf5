# source: https://github.com/Jorricks/macos-notifications/issues/9
# models: a user script calls a notification library's create_notification() at the top level; the library starts a listener multiprocessing.Process inside that call (multi-file: notifier.py is the library)
# expect: fails-spawn: the library call at the top level of the main module starts a process at import time; the spawned listener re-imports main.py and calls the library again while bootstrapping (RuntimeError)
import notifier

notification = notifier.create_notification("Title TEST", "Subtitle TEST", "Text TEST")
print("sent:", notification)
