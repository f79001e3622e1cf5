# source: https://github.com/jdholtz/auto-southwest-check-in/pull/120
# models: the account monitor keeps the Process objects it started in an instance list and starts each reservation monitor with a bound method of itself as the target
# expect: fails-spawn: from the second start on, the target's instance holds an already started Process (with its Popen and finalizer), which cannot be pickled (fork works; the PR keeps only the pids)
import multiprocessing
import time


class AccountMonitor:
    def __init__(self, username):
        self.username = username
        self.processes = []

    def monitor_reservation(self, confirmation):
        time.sleep(0.1)
        print("checked in", confirmation, "for", self.username)

    def start(self, confirmations):
        for confirmation in confirmations:
            process = multiprocessing.Process(target=self.monitor_reservation, args=(confirmation,))
            process.start()
            self.processes.append(process)
        for process in self.processes:
            process.join()


if __name__ == "__main__":
    AccountMonitor("jdholtz").start(["ABC123", "DEF456"])
