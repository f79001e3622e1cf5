# source: https://github.com/thampiman/reverse-geocoder/issues/31
# models: a user script calls the library's search() with the default mode=2 at the top of the file; the library's RGeocoder.query maps the lookups over a multiprocessing Pool
# expect: fails-spawn: every spawned worker re-imports the script, calls search() again and starts a Pool during bootstrapping: RuntimeError (freeze_support message); the parent's pool keeps replacing dead workers
import rg_lite

coordinates = [(48.86, 2.34), (40.40, -3.71)]
results = rg_lite.search(coordinates)
print(results)
