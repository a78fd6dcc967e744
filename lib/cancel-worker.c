/* cancel-worker.c: being written */
