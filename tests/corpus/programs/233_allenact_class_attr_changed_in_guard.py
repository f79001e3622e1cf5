# source: https://github.com/allenai/allenact/issues/116
# models: an experiment config keeps its settings as class-level attributes; the launcher changes MY_GREAT_VARIABLE on the class before starting the training process with the config instance
# expect: misbehaves-spawn: the instance pickles no class attributes; the spawned child re-imports the class with MY_GREAT_VARIABLE = 3, so it prints 3 where fork prints 5
import multiprocessing as mp


class BaseBabyAIGoToObjExperimentConfig:
    MY_GREAT_VARIABLE = 3


def my_func(config):
    print("child", config.MY_GREAT_VARIABLE)


if __name__ == "__main__":
    BaseBabyAIGoToObjExperimentConfig.MY_GREAT_VARIABLE = 5
    cfg = BaseBabyAIGoToObjExperimentConfig()
    p = mp.Process(target=my_func, kwargs=dict(config=cfg))
    print("main", cfg.MY_GREAT_VARIABLE)
    p.start()
    p.join()
