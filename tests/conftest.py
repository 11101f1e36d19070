import os
import subprocess
import time

_SESSION_START = time.perf_counter()  # the wall time of a run starts here

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _share_the_cores_between_workers():
    """Under `pytest-xdist` (`-n N`) each worker gets its share of the cores.

    PyTorch's OpenMP threads spin while they wait: two workers with a
    thread per core each ran the PyTorch tests 5x slower than one process
    on 2 cores. Set before the backend is imported; subprocesses inherit it.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1 and os.environ["KERAS_BACKEND"] == "torch":
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        cores = max(1, (os.cpu_count() or 1) // workers)
        os.environ.setdefault("OMP_NUM_THREADS", str(cores))


_share_the_cores_between_workers()


def _share_jax_compilations():
    """One XLA compilation per distinct program for the whole test session.

    Tests build many identical models (a reference run and a resumed run,
    the same small GAN in many tests): JAX compiles each one's step anew.
    JAX's persistent compilation cache, in a directory that lives as long
    as the session, lets every later identical program (also in the
    subprocesses the tests start, which inherit the environment) load the
    compiled executable instead. Only compile time changes: the cache key
    is the program itself, so what runs is the same.
    """
    import atexit
    import shutil
    import tempfile

    if "JAX_COMPILATION_CACHE_DIR" in os.environ:
        return
    directory = tempfile.mkdtemp(prefix="keras_gan_tests_jax_cache_")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    os.environ["JAX_COMPILATION_CACHE_DIR"] = directory
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.05")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")


def _compile_xla_programs_quickly():
    """XLA compiles the tests' programs at LLVM optimization level 0, with
    its element-wise emitters instead of the MLIR fusion emitters.

    The tests' networks are tiny and most programs run a few steps, so
    XLA's compilation, not the run, is most of a JAX test's time (every
    eager JAX operation is a compiled program too). Both settings compile
    the same programs faster and may run them slower, which a test with a
    few steps does not feel. Set only when `XLA_FLAGS` is unset
    (`XLA_FLAGS= pytest ...` tests with XLA's defaults); subprocesses
    inherit it, and the scripts that add flags add them to it. Set on
    every backend: the TensorFlow and PyTorch runs start JAX processes
    (loading a TensorFlow file on JAX, JAX's multi-process training), and
    TensorFlow's `jit_compile=True` tests use XLA too.
    """
    os.environ.setdefault(
        "XLA_FLAGS",
        "--xla_backend_optimization_level=0 --xla_cpu_use_fusion_emitters=false",
    )


if os.environ["KERAS_BACKEND"] == "jax":
    _share_jax_compilations()
_compile_xla_programs_quickly()

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

BACKEND = keras.backend.backend()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Ends every run with its backend, marker selection and wall time, so
    that the README's test command shows what each backend's run costs."""
    markexpr = config.getoption("markexpr")
    selection = f"-m {markexpr!r}" if markexpr else "all tests"
    terminalreporter.write_line(
        f"keras_gan tests: KERAS_BACKEND={BACKEND}, {selection}: "
        f"{time.perf_counter() - _SESSION_START:.0f} s"
    )


def value_and_gradients(fn, variables):
    """`fn()` and its gradients w.r.t. `variables`, on any backend."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = fn()
        return value, tape.gradient(value, variables)
    if BACKEND == "torch":
        value = fn()
        grads = [
            g
            for g in __import__("torch").autograd.grad(
                value, [v.value for v in variables]
            )
        ]
        return value, grads
    if BACKEND == "jax":
        import jax

        def pure(values):
            with keras.StatelessScope(
                state_mapping=list(zip(variables, values))
            ):
                return fn()

        return jax.value_and_grad(pure)([v.value for v in variables])
    raise NotImplementedError(BACKEND)


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def mlp(input_dim, output_dim, hidden=32, name=None):
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(output_dim),
        ],
        name=name,
    )


def make_gan(latent_dim=2, data_dim=2, seed=0, cls=None, **kwargs):
    import keras_gan

    keras.utils.set_random_seed(seed)
    generator = mlp(latent_dim, data_dim, name="generator")
    discriminator = mlp(data_dim, 1, name="discriminator")
    return (cls or keras_gan.GAN)(
        generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs
    )


def compiled_gan(seed=0, cls=None, **compile_kwargs):
    """A small GAN compiled with Adam(1e-3, 0.5) for both networks."""
    gan = make_gan(seed=seed, cls=cls)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        **compile_kwargs,
    )
    return gan


class InterruptAt(keras.callbacks.Callback):
    """Raises `KeyboardInterrupt` at the end of an epoch, or at the end of
    the first call reaching `batch` (in `epoch`, if given)."""

    def __init__(self, epoch=None, batch=None):
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.batch is None and epoch == self.epoch:
            raise KeyboardInterrupt("simulated preemption")

    def on_train_batch_end(self, batch, logs=None):
        if self.batch is None or batch < self.batch:
            return
        if self.epoch is None or self.current_epoch == self.epoch:
            raise KeyboardInterrupt("simulated preemption")


def gaussian_data(num=512, center=(2.0, -1.0), scale=0.3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(num, 2)) * scale + np.array(center)).astype(
        "float32"
    )


def weights_of(model):
    return [to_numpy(w) for w in model.weights]


def assert_weights_equal(a, b, atol=0.0):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, atol=atol, rtol=0)


@pytest.fixture
def tmp_keras_path(tmp_path):
    return str(tmp_path / "gan.keras")


def finish_process(process, timeout=400):
    """Waits for a test's subprocess; asserts it succeeded; its stdout.

    A process still running after `timeout` seconds is killed."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 0, stderr[-3000:]
    return stdout


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "tests", "scripts")
DATA = os.path.join(ROOT, "tests", "data")


def save_and_reload(model, path):
    """Saves `model` to the `.keras` file `path`, loads it back with
    `safe_mode=True` and checks that the reloaded model is of the same
    class with the same weights; returns it."""
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    assert_weights_equal(weights_of(model), weights_of(loaded))
    return loaded
