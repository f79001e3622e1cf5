from tqdm.contrib.concurrent import process_map


def _featurize_one(composition):
    elements = composition.split("-")
    return {"n_elements": len(elements), "length": len(composition)}


class MODData:
    def __init__(self, materials, targets):
        self.materials = list(materials)
        self.targets = list(targets)
        self.df_featurized = None

    def featurize(self, n_jobs=None):
        if n_jobs and n_jobs > 1:
            rows = process_map(_featurize_one, self.materials, max_workers=n_jobs, chunksize=1, disable=True)
        else:
            rows = [_featurize_one(m) for m in self.materials]
        self.df_featurized = rows
        return rows
