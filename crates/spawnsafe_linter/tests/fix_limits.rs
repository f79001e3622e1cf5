//! Where the SPS103, SPS104, SPS202 and SPS403 fixes must not go: each case is a
//! finding whose mechanical fix would change what the program does, or that
//! cannot be written reliably.

use spawnsafe_linter::fixer::{fix_paths, FixOptions};
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::CheckOptions;

/// The text of `main.py` after every fix (unsafe ones included), with the other files given.
fn fixed(files: &[(&str, &str)]) -> String {
    let scratch = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(scratch.path().join(name), text).unwrap();
    }
    let options = CheckOptions {
        isolated: true,
        overrides: Overrides {
            extend_select: vec!["SPS104".into(), "SPS202".into(), "SPS403".into()],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    let main = scratch.path().join("main.py");
    fix_paths(
        &[scratch.path().to_path_buf()],
        &options,
        FixOptions {
            unsafe_fixes: true,
            dry_run: false,
        },
    )
    .unwrap();
    std::fs::read_to_string(main).unwrap()
}

#[test]
fn set_start_method_stays_when_later_import_time_code_may_use_it() {
    for source in [
        // A project module imported after the call may create a Queue when imported.
        "import multiprocessing as mp\nmp.set_start_method('spawn')\nimport helpers\n\ndef work(x):\n    return x\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        pool.map(work, [1])\n",
        // A module-level Queue after the call is made under the chosen method.
        "import multiprocessing as mp\nmp.set_start_method('spawn')\nQ = mp.Queue()\n\ndef work(x):\n    return x\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        pool.map(work, [1])\n",
        // A decorator call after it runs code at import time.
        "import functools\nimport multiprocessing as mp\nmp.set_start_method('spawn')\n\n@functools.lru_cache(maxsize=None)\ndef work(x):\n    return x\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        pool.map(work, [1])\n",
    ] {
        let after = fixed(&[("main.py", source), ("helpers.py", "X = 1\n")]);
        assert_eq!(after, source, "{source}");
    }
}

#[test]
fn no_manager_where_a_process_may_not_start_or_the_proxy_may_die() {
    for source in [
        // Made at import time: a Manager there would start a process in every child.
        "import multiprocessing as mp\nQ = mp.Queue()\n\ndef work(x, q):\n    q.put(x)\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        pool.starmap(work, [(1, Q)])\n",
        // Not kept in a variable: nothing keeps the manager alive.
        "import multiprocessing as mp\n\ndef work(x, q):\n    q.put(x)\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        pool.starmap(work, [(1, mp.Queue())])\n",
        // In a function nobody here calls: it may run anywhere.
        "import multiprocessing as mp\n\ndef work(x, q):\n    q.put(x)\n\ndef run():\n    q = mp.Queue()\n    with mp.Pool(2) as pool:\n        pool.starmap(work, [(1, q)])\n",
        // A shared Value: a manager's Value has no get_lock().
        "import multiprocessing as mp\n\ndef work(x, v):\n    with v.get_lock():\n        v.value += x\n\ndef main():\n    v = mp.Value('i', 0)\n    with mp.Pool(2) as pool:\n        pool.starmap(work, [(1, v)])\n\nif __name__ == '__main__':\n    main()\n",
    ] {
        assert_eq!(fixed(&[("main.py", source)]), source, "{source}");
    }
}

#[test]
fn manager_through_a_from_import_adds_the_module_import() {
    let source = "from multiprocessing import Pool, SimpleQueue\n\ndef work(x, q):\n    q.put(x)\n\ndef main():\n    q = SimpleQueue()\n    with Pool(2) as pool:\n        pool.starmap(work, [(1, q)])\n\nif __name__ == '__main__':\n    main()\n";
    assert_eq!(
        fixed(&[("main.py", source)]),
        source
            .replace("SimpleQueue\n", "SimpleQueue\nimport multiprocessing\n")
            .replace("q = SimpleQueue()", "q = multiprocessing.Manager().Queue()")
    );
}

/// The text of `library` after every fix, with SPS103 selected too.
fn fixed_library(files: &[(&str, &str)], library: &str) -> String {
    let scratch = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(scratch.path().join(name), text).unwrap();
    }
    let options = CheckOptions {
        isolated: true,
        overrides: Overrides {
            extend_select: vec!["SPS103".into()],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    fix_paths(
        &[scratch.path().to_path_buf()],
        &options,
        FixOptions {
            unsafe_fixes: true,
            dry_run: false,
        },
    )
    .unwrap();
    std::fs::read_to_string(scratch.path().join(library)).unwrap()
}

#[test]
fn import_time_start_stays_where_children_need_what_it_makes() {
    let main = "import concurrent.futures as cf\nimport settings\n\ndef describe(key):\n    return settings.DEFAULTS[key]\n\nif __name__ == '__main__':\n    with cf.ProcessPoolExecutor(2) as pool:\n        print(list(pool.map(describe, ['a'])))\n";
    for library in [
        // A worker reads what the start computes: children would lack it.
        "import json\nfrom concurrent.futures import ProcessPoolExecutor\n\nwith ProcessPoolExecutor(1) as loader:\n    DEFAULTS = loader.submit(json.loads, '{\"a\": 1}').result()\n",
        // A function of the module mapped while it imports deadlocks on its import lock.
        "from multiprocessing import Pool\n\ndef double(x):\n    return x * 2\n\nwith Pool(2) as pool:\n    DOUBLED = pool.map(double, [1])\nDEFAULTS = {'a': 1}\n",
        // A class body runs the start: it cannot go under a test.
        "from multiprocessing import Pool\n\nclass Cache:\n    POOL = Pool(2)\n\nDEFAULTS = {'a': 1}\n",
    ] {
        let after = fixed_library(&[("main.py", main), ("settings.py", library)], "settings.py");
        assert_eq!(after, library, "{library}");
    }
}

#[test]
fn import_time_start_runs_only_in_the_original_process() {
    let main = "from textstats import POOL\n\nif __name__ == '__main__':\n    print(POOL.map(len, ['ab']))\n";
    let library = "import multiprocessing as mp\n\nPOOL = mp.Pool(2)\n";
    let after = fixed_library(
        &[("main.py", main), ("textstats.py", library)],
        "textstats.py",
    );
    assert_eq!(
        after,
        "import multiprocessing as mp\n\n# Not in child processes: spawn and forkserver children re-import this module.\nif mp.parent_process() is None and not getattr(mp.current_process(), \"_inheriting\", False):\n    POOL = mp.Pool(2)\nelse:\n    POOL = None\n"
    );
}

/// The text of `main.py` after every fix, all rules selected.
fn fixed_all(source: &str) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let main = scratch.path().join("main.py");
    std::fs::write(&main, source).unwrap();
    let options = CheckOptions {
        isolated: true,
        ..CheckOptions::default()
    };
    fix_paths(
        std::slice::from_ref(&main),
        &options,
        FixOptions {
            unsafe_fixes: true,
            dry_run: false,
        },
    )
    .unwrap();
    std::fs::read_to_string(main).unwrap()
}

#[test]
fn no_state_methods_where_the_member_cannot_be_made_again_alike() {
    for source in [
        // Filled after it is made: a new in-memory database would be empty.
        "import multiprocessing, sqlite3\n\nclass Store:\n    def __init__(self):\n        self.conn = sqlite3.connect(':memory:')\n        self.conn.execute('CREATE TABLE t (x)')\n\ndef work(store):\n    print(store.conn)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Store(),))\n    p.start()\n    p.join()\n",
        // Made from a parameter the method rebinds: its value when the member was made is gone.
        "import multiprocessing\n\nclass Log:\n    def __init__(self, path):\n        path = path + '.log'\n        self.handle = open(path, 'a')\n\ndef work(log):\n    print(log.handle)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Log('x.log'),))\n    p.start()\n    p.join()\n",
        // The class already decides how it pickles.
        "import multiprocessing, threading\n\nclass Box:\n    __slots__ = ('lock', '__dict__')\n    def __init__(self):\n        self.lock = threading.Lock()\n\ndef work(box):\n    print(box.lock)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Box(),))\n    p.start()\n    p.join()\n",
        // Assigned again later: which value the child should get is not known.
        "import multiprocessing, threading\n\nclass Box:\n    def __init__(self):\n        self.lock = threading.Lock()\n    def reset(self):\n        self.lock = threading.RLock()\n\ndef work(box):\n    print(box.lock)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Box(),))\n    p.start()\n    p.join()\n",
        // Opened with a mode only known at run time: made again, it might truncate the file.
        "import multiprocessing\n\nclass Log:\n    def __init__(self, path, mode):\n        self.path = path\n        self.handle = open(path, mode)\n\ndef work(log):\n    print(log.handle)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Log('x.log', 'w'),))\n    p.start()\n    p.join()\n",
        // A pool: made again in a pool worker (a daemonic process) it cannot start.
        "import multiprocessing\n\nclass Core:\n    def __init__(self, n):\n        self.n = n\n        self.pool = multiprocessing.Pool(n)\n    def one(self, x):\n        return x, self.pool is None\n    def run(self, xs):\n        return self.pool.map(self.one, xs)\n\nif __name__ == '__main__':\n    print(Core(2).run([1]))\n",
        // Used in a loop after it is made: replaying that is not a configuration.
        "import multiprocessing, queue\n\nclass Conn:\n    def __init__(self, size):\n        self.size = size\n        self.free = queue.Queue()\n        for i in range(size):\n            self.free.put(i)\n\ndef work(c):\n    print(c.size, c.free)\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=work, args=(Conn(2),))\n    p.start()\n    p.join()\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("__setstate__"), "{source}\n---\n{after}");
    }
}

#[test]
fn member_left_as_none_only_where_no_code_of_the_child_reads_it() {
    for source in [
        // The task calls a method that reads it.
        "import multiprocessing\n\nclass Bot:\n    def __init__(self, path):\n        self.path = path\n        self.log = open(path, 'a')\n    def note(self, x):\n        self.log.write(str(x))\n    def work(self, x):\n        self.note(x)\n        return x\n\nif __name__ == '__main__':\n    b = Bot('x.log')\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(b.work, [1]))\n",
        // `run()` reads it in the child.
        "import multiprocessing, threading\n\nclass W(multiprocessing.Process):\n    def __init__(self):\n        super().__init__()\n        self.lock = threading.Lock()\n    def run(self):\n        with self.lock:\n            print('ran')\n\nif __name__ == '__main__':\n    w = W()\n    w.start()\n    w.join()\n",
        // A method that reads it is handed out as a value: it may run anywhere.
        "import multiprocessing, threading\n\nclass C:\n    def __init__(self):\n        self.lock = threading.Lock()\n    def locked(self, x):\n        with self.lock:\n            return x\n    def go(self, x):\n        return x\n\ndef apply(f, x):\n    return f(x)\n\nif __name__ == '__main__':\n    c = C()\n    with multiprocessing.Pool(2) as pool:\n        print(pool.starmap(apply, [(c.go, 1)]), c.locked(2))\n        print(pool.map(c.locked, [3]))\n",
        // Attributes reached by a computed name.
        "import multiprocessing, threading\n\nclass C:\n    def __init__(self):\n        self.lock = threading.Lock()\n    def go(self, x):\n        return getattr(self, 'lo' + 'ck'), x\n\nif __name__ == '__main__':\n    c = C()\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(c.go, [1]))\n",
        // Read at module level, which a spawn child runs too.
        "import multiprocessing, threading\n\nclass C:\n    def __init__(self):\n        self.lock = threading.Lock()\n    def go(self, x):\n        return x\n\nSHARED = C()\nHELD = SHARED.lock\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(SHARED.go, [1]))\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("= None"), "{source}\n---\n{after}");
    }
}

#[test]
fn no_reduce_where_the_class_cannot_be_called_with_its_items() {
    for source in [
        // The first parameter is not the items: `BoundedList(items)` would be wrong.
        "import multiprocessing as mp\n\nclass BoundedList(list):\n    def __init__(self, capacity, items=()):\n        self.capacity = capacity\n        super().__init__()\n        self.extend(items)\n    def extend(self, items):\n        if len(self) + len(list(items)) > self.capacity:\n            raise ValueError('full')\n        super().extend(items)\n\ndef n(x):\n    return len(x)\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        print(pool.map(n, [BoundedList(4, [1])]))\n",
        // A second parameter without a default.
        "import multiprocessing as mp\n\nclass Tagged(dict):\n    def __init__(self, items, tag):\n        self.tag = tag\n        super().__init__(items)\n    def __setitem__(self, k, v):\n        super().__setitem__(self.tag + k, v)\n\ndef n(x):\n    return len(x)\n\nif __name__ == '__main__':\n    with mp.Pool(2) as pool:\n        print(pool.map(n, [Tagged({'a': 1}, 't')]))\n",
        // The items parameter is only kept, not made into items.
        "import multiprocessing as mp\n\nclass Lazy(dict):\n    def __init__(self, source=None):\n        self.source = source\n    def __setitem__(self, k, v):\n        super().__setitem__(k, (self.source, v))\n\ndef n(x):\n    return len(x)\n\nif __name__ == '__main__':\n    d = Lazy('s')\n    d['a'] = 1\n    with mp.Pool(2) as pool:\n        print(pool.map(n, [d]))\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("__reduce__"), "{source}\n---\n{after}");
    }
}

#[test]
fn generator_variable_run_early_only_where_nothing_else_reads_it() {
    for source in [
        // Read again after it is sent: the parent would find it used up.
        "import multiprocessing\n\ndef gen(n):\n    yield from range(n)\n\ndef work(g):\n    print(sum(g))\n\nif __name__ == '__main__':\n    g = gen(3)\n    p = multiprocessing.Process(target=work, args=(g,))\n    p.start()\n    p.join()\n    print(next(g, None))\n",
        // Assigned twice: which generator is sent depends on the path taken.
        "import multiprocessing, sys\n\ndef gen(n):\n    yield from range(n)\n\ndef work(g):\n    print(sum(g))\n\nif __name__ == '__main__':\n    g = gen(3)\n    if len(sys.argv) > 1:\n        g = gen(4)\n    p = multiprocessing.Process(target=work, args=(g,))\n    p.start()\n    p.join()\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("iter(list("), "{source}\n---\n{after}");
    }
}

#[test]
fn no_wraps_where_the_name_would_still_not_be_the_wrapper() {
    for source in [
        // Two decorators: the outer one receives the inner one's result.
        "import multiprocessing\n\ndef outer(func):\n    def wrapper(*args):\n        return func(*args)\n    return wrapper\n\ndef inner(func):\n    return func\n\n@outer\n@inner\ndef work(x):\n    return x\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1]))\n",
        // The wrapper never calls what it received: it is not a wrapper of it.
        "import multiprocessing\n\ndef stub(func):\n    def wrapper(*args):\n        return 0\n    return wrapper\n\n@stub\ndef work(x):\n    return x\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1]))\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("wraps"), "{source}\n---\n{after}");
    }
}

#[test]
fn no_reduce_for_an_exception_that_decides_how_it_is_made() {
    // `__new__` needs arguments of its own.
    let source = "import multiprocessing\n\nclass JobError(Exception):\n    def __new__(cls, code, msg):\n        return super().__new__(cls, msg)\n    def __init__(self, code, msg):\n        super().__init__(msg)\n        self.code = code\n\ndef work(x):\n    raise JobError(x, 'bad')\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1]))\n";
    let after = fixed_all(source);
    assert!(!after.contains("__reduce__"), "{source}\n---\n{after}");
}

#[test]
fn no_kwargs_for_a_module_object_where_some_use_would_not_get_it() {
    for source in [
        // The target is also sent elsewhere (a pool task): that use would not get the object.
        "import multiprocessing as mp\n\nready = mp.Event()\n\ndef serve(n=0):\n    ready.set()\n\nif __name__ == '__main__':\n    p = mp.Process(target=serve)\n    p.start()\n    ready.wait()\n    with mp.Pool(1) as pool:\n        pool.map(serve, [1])\n    p.join()\n",
        // The call's keywords come from a mapping: `kwargs` may be in it.
        "import multiprocessing as mp\n\nready = mp.Event()\n\ndef serve():\n    ready.set()\n\nif __name__ == '__main__':\n    opts = {'daemon': True}\n    p = mp.Process(target=serve, **opts)\n    p.start()\n    ready.wait()\n    p.join()\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("kwargs"), "{source}\n---\n{after}");
    }
}

#[test]
fn no_initializer_where_the_pool_has_one_or_the_global_names_a_class() {
    for source in [
        // The pool has an initializer of its own.
        "import multiprocessing as mp\n\nLIMIT = None\n\ndef setup():\n    pass\n\ndef work(x):\n    return x < LIMIT\n\nif __name__ == '__main__':\n    LIMIT = 3\n    with mp.Pool(2, initializer=setup) as pool:\n        print(pool.map(work, [1, 5]))\n",
        // A class attribute set at run time: sending the class sends its name only.
        "import multiprocessing as mp\n\nclass Settings:\n    limit = None\n\ndef work(x):\n    return x < Settings.limit\n\nif __name__ == '__main__':\n    Settings.limit = 3\n    with mp.Pool(2) as pool:\n        print(pool.map(work, [1, 5]))\n",
    ] {
        let after = fixed_all(source);
        assert!(!after.contains("_inherit_"), "{source}\n---\n{after}");
    }
}

#[test]
fn no_partial_where_the_lambda_reads_values_that_do_not_pickle() {
    let manager = "import queue, threading\nfrom multiprocessing.managers import BaseManager\n\nclass M(BaseManager):\n    pass\n\ndef serve(names):\n    VALUE\n    M.register('get', callable=lambda name: held[name])\n    m = M(address=('127.0.0.1', 0), authkey=b'k')\n    m.start()\n    return m\n\nif __name__ == '__main__':\n    serve(['a']).shutdown()\n";
    for value in [
        // A dict of queues (TensorFlowOnSpark's TFManager.start).
        "held = {n: queue.Queue() for n in names}",
        "held = {'a': queue.Queue(), 'b': queue.Queue()}",
        // A lock.
        "held = threading.Lock()",
    ] {
        let source = manager.replace("VALUE", value);
        assert_eq!(fixed_all(&source), source, "{value}");
    }
    // Values that pickle are bound into the partial.
    let source = manager.replace("VALUE", "held = {n: len(n) for n in names}");
    assert!(fixed_all(&source).contains("functools.partial(_get, held=held)"));
}
