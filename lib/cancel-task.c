/* cancel-task.c: being written */
