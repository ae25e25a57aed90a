/**
 * @file
 * libmult: instance-aware resource namespaces. The whole public API.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_H
#define MULT_H

#include "mult/common.h"
#include "mult/space.h"
#include "mult/domain.h"
#include "mult/instance.h"
#include "mult/allot.h"
#include "mult/range.h"
#include "mult/num.h"
#include "mult/value.h"
#include "mult/excl.h"
#include "mult/verify.h"
#include "mult/limit.h"

#endif /* MULT_H */
