# source: https://github.com/zeth/inputs/issues/118
# models: a short script loops at top level calling get_key(); the inputs-like library starts a listener process the first time events are read (multi-file: keyinputs.py)
# expect: fails-spawn: the spawned listener re-imports the script, whose top-level loop calls get_key() again and starts a process while bootstrapping -> RuntimeError in the child; the parent then waits for events forever (hang)
from keyinputs import get_key

for _ in range(2):
    print("Start")
    events = get_key()
    for event in events:
        print(event.ev_type, event.code, event.state)
