/* Everything a unikernel usually needs. */
#ifndef FATA_FATA_H
#define FATA_FATA_H

#include <fata/console.h>
#include <fata/keys.h>
#include <fata/log.h>
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>

#endif
