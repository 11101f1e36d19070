"""PyTorch mechanics: `torch.autograd.grad`.

Under `torch.distributed` (a process group of more than one process, as
`torchrun` starts), each training step is a data-parallel step over the
processes, as `DistributedDataParallel` does it: every process computes
the gradients of its shard of the global batch, the gradients are averaged
with one all-reduce before the update, the finite flag and the logs are
agreed, and random draws are per global batch (`replica_context()` gives
`(rank, world_size)` inside a training step).
"""

import keras
import torch
import torch.distributed as dist

# Depth of the training steps running over the process group.
_process_group_steps = 0


def process_group_size():
    """The number of processes of the default process group, or 1."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


def _in_process_group_step():
    return _process_group_steps > 0


def input_gradients(fn, inputs):
    # Second-order graph only when training; gradients also under
    # `torch.no_grad()`, as in Keras' `test_step`.
    create_graph = torch.is_grad_enabled()
    with torch.enable_grad():
        if not inputs.requires_grad:
            inputs = inputs.detach().requires_grad_(True)
        outputs = fn(inputs)
        total = outputs.float().sum()
        (gradients,) = torch.autograd.grad(
            total, inputs, create_graph=create_graph
        )
    return gradients, outputs


def all_finite(loss, gradients):
    checks = [torch.isfinite(g).all() for g in [loss, *gradients] if g is not None]
    return torch.stack(checks).all()


def replica_sum(value):
    """`value` summed over the processes inside a training step."""
    if not _in_process_group_step():
        return value
    total = torch.as_tensor(value).detach().clone()
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    return total


def all_replicas_finite(finite):
    """Whether `finite` holds on every process of a training step."""
    return replica_sum(1.0 - finite.float()) == 0.0


def replica_context():
    """`(process index, number of processes)` inside a training step over
    a `torch.distributed` process group, `(0, 1)` elsewhere."""
    if not _in_process_group_step():
        return 0, 1
    return dist.get_rank(), dist.get_world_size()


def stateful_cond(pred, true_fn, false_fn):
    return keras.ops.cond(pred, true_fn, false_fn)


def prepare_logs(logs):
    return logs


def _average_over_processes(gradients, finite):
    """Gradients averaged over the processes, and the agreed finite flag.

    One all-reduce of a flat buffer holding every gradient and the count of
    processes with non-finite values. Unless every process was finite, the
    gradients are made NaN everywhere, so every process skips the update.
    """
    present = [g for g in gradients if g is not None]
    flat = torch.cat(
        [g.reshape(-1).float() for g in present]
        + [(~finite).float().reshape(1)]
    )
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    flat = flat / dist.get_world_size()
    finite = flat[-1] == 0.0
    flat = flat[:-1] + torch.where(finite, 0.0, float("nan"))
    averaged = iter(flat.split([g.numel() for g in present]))
    return [
        None if g is None else next(averaged).reshape(g.shape).to(g.dtype)
        for g in gradients
    ], finite


def _metric_values(model):
    return [torch.as_tensor(v.value).detach().clone() for v in model.metrics_variables]


def _sync_metrics(model, before):
    """Gives every process the metric state of the whole step.

    Each process added its own values to the state `before` the step; the
    additions of all processes are summed into it, as `tf.distribute` sums
    metric updates over replicas. Means then average over the global batch
    and counters (such as `skipped_steps`, which each process adds divided
    by the process count) count once per step.
    """
    variables = model.metrics_variables
    if not variables:
        return
    added = torch.cat(
        [
            (torch.as_tensor(v.value).detach() - old).reshape(-1).double()
            for v, old in zip(variables, before)
        ]
    )
    dist.all_reduce(added, op=dist.ReduceOp.SUM)
    added = added.split([old.numel() for old in before])
    for variable, old, total in zip(variables, before, added):
        variable.assign((old.double() + total.reshape(old.shape)).to(old.dtype))


def _check_same_batch_size(data):
    """Raises unless every process got a batch of the same size: each takes
    its own rows of the global random draws, which assumes equal shards."""
    rows = keras.tree.flatten(data)[0].shape[0]
    sizes = [None] * dist.get_world_size()
    dist.all_gather_object(sizes, rows)
    if len(set(sizes)) > 1:
        raise ValueError(
            "Invalid value for argument `batch_size`: every process of a "
            "`torch.distributed` run must train on batches of the same "
            f"size. Received batch sizes per process: {sizes}. Use "
            "`keras_gan.distributed.shard(data, batch_size=...)` and the "
            "same `batch_size` in `fit` on every process."
        )


class GANTrainer:
    def minimize(self, loss_fn, variables, optimizer):
        """Runs `loss_fn()` and applies one update of `variables`.

        `loss_fn` returns `(loss, aux)`; `(loss, aux, finite)` is returned,
        `finite` telling whether the loss and all gradients were finite (on
        every process of a `torch.distributed` step, whose gradients are
        averaged before the update).
        """
        loss, aux = loss_fn()
        # Only the gradients of `variables`: `backward()` would also compute
        # those of every other network the loss went through (the
        # discriminator's kernels in the generator's update).
        gradients = list(
            torch.autograd.grad(
                optimizer.scale_loss(loss),
                [v.value for v in variables],
                allow_unused=True,
            )
        )
        with torch.no_grad():
            finite = all_finite(loss, gradients)
            if _in_process_group_step():
                gradients, finite = _average_over_processes(gradients, finite)
            optimizer.apply(gradients, variables)
        return loss.detach(), aux, finite

    def skip_batches(self, function_args, count):
        """Drops the batch of one train-function call (fetched already)."""
        return self.get_logs()

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return self.train_function
        super().make_train_function(force=force)
        if process_group_size() > 1:
            self.train_function = self._over_process_group(self.train_function)
        return self.train_function

    def _over_process_group(self, train_function):
        """`train_function` as one data-parallel step of the processes."""

        checked = []

        def step_over_process_group(data):
            global _process_group_steps
            if not checked:
                _check_same_batch_size(data)
                checked.append(True)
            before = _metric_values(self)
            _process_group_steps += 1
            try:
                train_function(data)
            finally:
                _process_group_steps -= 1
            _sync_metrics(self, before)
            return self.get_logs()

        return step_over_process_group
