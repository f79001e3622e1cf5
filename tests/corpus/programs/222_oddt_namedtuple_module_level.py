# source: https://github.com/oddt/oddt/pull/125
# models: the fix: the namedtuple type PLEC_bit_info_record is defined at module level and the fingerprint workers of a Pool return its instances
# expect: clean (a module-level namedtuple pickles by name and the name resolves in the parent)
import multiprocessing
from collections import namedtuple

PLEC_bit_info_record = namedtuple("PLEC_bit_info_record", "ligand_root_atom_idx ligand_depth protein_root_atom_idx protein_depth")


def plec_bits(ligand_atoms):
    return [PLEC_bit_info_record(i, 1, i * 2, 2) for i in range(ligand_atoms)]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        results = pool.map(plec_bits, [1, 2, 3])
    print([len(r) for r in results], results[2][1])
