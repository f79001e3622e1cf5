# source: https://github.com/dylanpeifer/deepgroebner/issues/1
# models: a policy-gradient agent runs episodes in parallel Processes, passing its policy network (a model object whose session keeps a threading.RLock) and the environment to each worker
# expect: fails-spawn: the Process args are pickled at start() and the policy holds an RLock (TypeError: cannot pickle '_thread.RLock' object)
import argparse
import multiprocessing as mp
import threading


class Session:
    def __init__(self):
        self._lock = threading.RLock()

    def run(self, x):
        with self._lock:
            return x % 3


class PolicyModel:
    def __init__(self, hidden):
        self.hidden = hidden
        self.session = Session()

    def predict(self, state):
        return self.session.run(state + self.hidden)


class BuchbergerEnv:
    def __init__(self, variables, degree):
        self.variables = variables
        self.degree = degree

    def reset(self, seed):
        return seed * self.variables + self.degree


def run_episode(policy, env, seed, output):
    state = env.reset(seed)
    output.put((seed, policy.predict(state)))


class PGAgent:
    def __init__(self, policy_network):
        self.policy_model = policy_network

    def run_episodes(self, env, episodes, parallel=True):
        output = mp.Queue()
        processes = [mp.Process(target=run_episode, args=(self.policy_model, env, i, output)) for i in range(episodes)]
        for p in processes:
            p.start()
        rewards = sorted(output.get(timeout=5) for _ in processes)
        for p in processes:
            p.join()
        return rewards


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--variables", type=int, default=3)
    parser.add_argument("--degree", type=int, default=20)
    parser.add_argument("--episodes", type=int, default=3)
    args = parser.parse_args()
    agent = PGAgent(PolicyModel(hidden=7))
    env = BuchbergerEnv(args.variables, args.degree)
    print(agent.run_episodes(env, args.episodes))


if __name__ == "__main__":
    main()
