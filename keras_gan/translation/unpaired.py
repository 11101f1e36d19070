"""What the unpaired translators (`CycleGAN`, `CUT`) share: `(a, b)`
batches of the same size, the history pools, the adversarial terms of one
discriminator, and `translate`."""

from keras import ops

from keras_gan import losses as losses_module
from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.translation.data import check_images
from keras_gan.translation.data import translate_in_batches
from keras_gan.validation import check_one_of

DIRECTIONS = ("a_to_b", "b_to_a")


def check_same_batch_size(model, a, b):
    """Refuses domain A and domain B batches of different sizes.

    Raised while tracing when the sizes are known then (always on JAX and
    PyTorch); otherwise (a TensorFlow step traced for a batch size of
    `None`: a dataset without a fixed batch size, or a step retraced by a
    later `fit`) every batch is checked when the step runs, through
    `AdversarialModel.refuse_batch_unless`.
    """
    message = (
        "Invalid value for the data: the domain A and domain B batches "
        "must have the same size (zip two datasets batched alike, with "
        "`drop_remainder=True` or the same number of images)."
    )
    size_a, size_b = a.shape[0], b.shape[0]
    if None not in (size_a, size_b):
        if size_a != size_b:
            raise ValueError(
                f"{message} Received: batch sizes {size_a} (A) and {size_b} (B)"
            )
        return
    model.refuse_batch_unless(
        ops.equal(ops.shape(a)[0], ops.shape(b)[0]),
        f"{message} Received: batches of different sizes, in a step traced "
        "for any batch size; the update was not applied.",
    )


class UnpairedTranslation(AdversarialModel):
    """Base of the unpaired translators: not used directly.

    Subclasses set `self.pools` (domain name to `ImagePool` or `None`) and
    implement `source_shapes()`, the expected input shapes of the domain A
    and domain B batches.
    """

    def default_loss(self):
        return losses_module.LeastSquaresLoss()

    def default_penalties(self):
        return []

    def source_shapes(self):
        """`(shape of A batches, shape of B batches)`, with the batch axis."""
        raise NotImplementedError

    def unpack_batch(self, data):
        """`(a, b)` of a batch, checked."""
        a, b = self.unpack_weighted_batch(data)
        shape_a, shape_b = self.source_shapes()
        what = "`(a, b)` batches; {}"
        check_images("domain A", a, shape_a, what.format(self.expected_a))
        check_images("domain B", b, shape_b, what.format(self.expected_b))
        check_same_batch_size(self, a, b)
        return a, b

    expected_a = "the input of `generator_ab`"
    expected_b = "the input of `generator_ba`"

    def adversarial_generator_loss(self, discriminator, fake, real, training):
        """`loss.generator_loss` of `discriminator`'s logits on `fake`."""
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(real, None, training, discriminator)
        fake_logits = self.judge(fake, None, training, discriminator)
        return self.loss_fn.generator_loss(fake_logits, real_logits)

    def add_discriminator_terms(self, terms, discriminator, real, fake, training):
        """Adds `discriminator`'s adversarial loss on `real` and `fake` to
        `terms["d_loss"]`, and each penalty to `terms[penalty.name]`."""
        terms["d_loss"] = terms.get("d_loss", 0.0) + self.loss_fn.discriminator_loss(
            self.judge(real, None, training, discriminator),
            self.judge(fake, None, training, discriminator),
        )
        for penalty in self.penalties:
            value = penalty(
                lambda x, d=discriminator: self.judge(x, None, training, d),
                real,
                fake,
                step=self.d_optimizer.iterations,
                seed=self.penalty_stream.seed_generator,
            )
            terms[penalty.name] = terms.get(penalty.name, 0.0) + value
        return terms

    def pooled(self, domain, images):
        """`images` through the history pool of `domain`, if it has one."""
        pool = self.pools.get(domain)
        if pool is None:
            return images
        refused = self.batch_refusals.refused()
        keep = None if refused is None else ops.logical_not(refused)
        return pool.query(images, keep=keep)

    def translate_with(self, name, images, batch_size):
        """Translates with the generator attribute `name` (its EMA when
        there is one)."""
        generator = getattr(self, f"ema_{name}", None) or getattr(self, name)
        return translate_in_batches(generator, images, batch_size)

    @staticmethod
    def check_direction(direction, allowed=DIRECTIONS):
        return check_one_of("direction", direction, allowed)
