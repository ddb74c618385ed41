// A user's client module in plain JavaScript: the reference client under the user's own name.
import { createReferenceClient } from 'syncstorm';

export default createReferenceClient({ name: 'packaged-user-client' });
