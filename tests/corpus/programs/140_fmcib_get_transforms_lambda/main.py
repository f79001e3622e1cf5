# source: https://github.com/AIM-Harvard/foundation-cancer-image-biomarker/issues/306
# models: following the quick start, a user calls get_features('path_and_seed_point.csv') from a guarded script; the package's get_transforms() builds a Lambda transform from a lambda and get_features iterates a DataLoader with workers (multi-file: fmcib_run.py; Windows)
# expect: fails-spawn: the dataset carries the lambda built inside get_transforms() -> AttributeError: Can't pickle local object 'get_transforms.<locals>.<lambda>'
from fmcib_run import get_features

if __name__ == "__main__":
    feature_df = get_features("path_and_seed_point.csv")
    for row in feature_df:
        print(row)
