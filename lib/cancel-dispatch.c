/* cancel-dispatch.c: being written */
