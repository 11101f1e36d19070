"""PyTorch mechanics: `backward()` and `torch.autograd.grad`."""

import keras
import torch


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
    """One program sees the global batch: nothing to sum."""
    return value


def all_replicas_finite(finite):
    return finite


def replica_context():
    """`(replica index, number of replicas)`: one program sees the global
    batch on this backend."""
    return 0, 1


def stateful_cond(pred, true_fn, false_fn):
    return keras.ops.cond(pred, true_fn, false_fn)


def prepare_logs(logs):
    return logs


class GANTrainer:
    def minimize(self, loss_fn, variables, optimizer):
        """Runs `loss_fn()` and applies one update of `variables`.

        `loss_fn` returns `(loss, aux)`; `(loss, aux, finite)` is returned,
        `finite` telling whether the loss and all gradients were finite.
        """
        self.zero_grad()
        loss, aux = loss_fn()
        optimizer.scale_loss(loss).backward()
        gradients = [v.value.grad for v in variables]
        with torch.no_grad():
            finite = all_finite(loss, gradients)
            optimizer.apply(gradients, variables)
        self.zero_grad()
        return loss.detach(), aux, finite

    def skip_batches(self, function_args, count):
        """Drops the batch of one train-function call (fetched already)."""
        return self.get_logs()
