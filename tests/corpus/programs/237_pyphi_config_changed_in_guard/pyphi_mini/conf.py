class Config:
    def __init__(self):
        self.PRECISION = 6
        self.PARALLEL_CUT_EVALUATION = True


config = Config()
