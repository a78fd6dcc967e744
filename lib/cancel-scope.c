/* cancel-scope.c: being written */
