/* cancel-debug.c: being written */
