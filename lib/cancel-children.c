/* cancel-children.c: being written */
