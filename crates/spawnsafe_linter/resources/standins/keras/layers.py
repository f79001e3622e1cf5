class Dense:
    def __init__(self, units, input_dim=None, activation=None):
        self.units = units
