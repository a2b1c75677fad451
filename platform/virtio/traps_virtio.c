/*
 * CPU exceptions in the virtio guest end it with status 255, as on hvt (platform/x86_64/traps.c
 * reports them); vectors 32-47, the legacy PIC's, are acknowledged and ignored (irq_x86_64.S).
 */
#include <stddef.h>

#include "platform_virtio.h"
#include "x86_traps.h"

void virtio_irq_master(void);
void virtio_irq_slave(void);

__attribute__((no_stack_protector))
void virtio_traps_init(void)
{
	static void (*const irqs[16])(void) = {
		virtio_irq_master, virtio_irq_master, virtio_irq_master, virtio_irq_master,
		virtio_irq_master, virtio_irq_master, virtio_irq_master, virtio_irq_master,
		virtio_irq_slave, virtio_irq_slave, virtio_irq_slave, virtio_irq_slave,
		virtio_irq_slave, virtio_irq_slave, virtio_irq_slave, virtio_irq_slave,
	};

	x86_traps_init(irqs, 16);
}

_Noreturn void x86_trap_end(const struct x86_trap_frame *f, uint64_t cr2)
{
	(void)f;
	(void)cr2;
	virtio_exit(255);
}
