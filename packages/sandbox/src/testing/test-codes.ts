/** @module The error code the sandbox's test processes answer with (declared, so it passes as an answer). */
import { defineErrorCodes } from '@tickline/kernel';

defineErrorCodes({
  SANDBOX_TEST_ERROR: {
    meaning: 'A coded error of the pool tests.',
    resolve: 'Nothing: a test.',
    httpStatus: 422,
  },
});
