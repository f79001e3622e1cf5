# source: https://github.com/CAHLR/pyBKT/issues/11
# models: the EM fitting module keeps a module-level `input` dict that run() fills with the model's arrays before mapping `inner` over the resources with a Pool; inner reads the global
# expect: fails-spawn: a spawned worker re-imports pybkt.fit.em_fit, where `input` is still None, so inner raises "'NoneType' object is not iterable" (fork copies the filled dict)
from pybkt.fit import em_fit


def fit_model(num_resources):
    model = {"As": [0.2, 0.8], "learns": [0.1] * num_resources, "prior": 0.3}
    return em_fit.run(model, num_resources)


if __name__ == "__main__":
    print("log likelihoods:", fit_model(3))
