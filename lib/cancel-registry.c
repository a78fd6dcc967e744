/* cancel-registry.c: being written */
