/* cancel-stream.h: stream wrappers that count bytes into a scope's progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-scope.h"
#include "cancel-version-macros.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_INPUT_STREAM (cancel_input_stream_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelInputStream, cancel_input_stream, CANCEL, INPUT_STREAM, GFilterInputStream)

CANCEL_AVAILABLE_IN_ALL
GInputStream  *cancel_input_stream_new                   (GInputStream      *base_stream,
                                                          CancelScope       *scope,
                                                          goffset            total_size);
CANCEL_AVAILABLE_IN_ALL
CancelScope   *cancel_input_stream_get_scope             (CancelInputStream *self);
CANCEL_AVAILABLE_IN_ALL
goffset        cancel_input_stream_get_total_size        (CancelInputStream *self);
CANCEL_AVAILABLE_IN_ALL
void           cancel_input_stream_set_total_size        (CancelInputStream *self,
                                                          goffset            total_size);
CANCEL_AVAILABLE_IN_ALL
goffset        cancel_input_stream_get_bytes_transferred (CancelInputStream *self);

#define CANCEL_TYPE_OUTPUT_STREAM (cancel_output_stream_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelOutputStream, cancel_output_stream, CANCEL, OUTPUT_STREAM, GFilterOutputStream)

CANCEL_AVAILABLE_IN_ALL
GOutputStream *cancel_output_stream_new                   (GOutputStream      *base_stream,
                                                           CancelScope        *scope,
                                                           goffset             total_size);
CANCEL_AVAILABLE_IN_ALL
CancelScope   *cancel_output_stream_get_scope             (CancelOutputStream *self);
CANCEL_AVAILABLE_IN_ALL
goffset        cancel_output_stream_get_total_size        (CancelOutputStream *self);
CANCEL_AVAILABLE_IN_ALL
void           cancel_output_stream_set_total_size        (CancelOutputStream *self,
                                                           goffset             total_size);
CANCEL_AVAILABLE_IN_ALL
goffset        cancel_output_stream_get_bytes_transferred (CancelOutputStream *self);

G_END_DECLS
