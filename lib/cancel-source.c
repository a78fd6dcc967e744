/* cancel-source.c: being written */
