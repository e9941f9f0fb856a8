import { migration0001 } from './0001-campaigns';
import { migration0002 } from './0002-profiles';
import { migration0003 } from './0003-recipients';
import { migration0004 } from './0004-campaign-content';
import { migration0005 } from './0005-send';
import { migration0006 } from './0006-send-lean';
import { migration0007 } from './0007-batch-envelopes';
import { migration0008 } from './0008-cell-problems';
import { migration0009 } from './0009-merge-settings';
import { migration0010 } from './0010-do-not-call';
import { migration0011 } from './0011-source-lines';
import { migration0012 } from './0012-call-history';
import { migration0013 } from './0013-message-library';
import { migration0014 } from './0014-recipient-counts';
import { migration0015 } from './0015-saved-list-stat';
import { migration0016 } from './0016-send-sent-at';
import { migration0017 } from './0017-header-row';
import { migration0018 } from './0018-called-again-from';
import type { Migration } from './types';

/** Every migration, in order. Add a new file and one line here; never edit a released one. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0018,
];
