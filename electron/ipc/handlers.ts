import type { Events, EventName } from '../../shared/contract';
import type { Services } from '../services';
import type { Handlers } from './bind';

export type EmitEvent = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface HandlerContext {
  services: Services;
  emit: EmitEvent;
  version: string;
}

/** One handler per contract channel; each is a thin call into a service. */
export function createHandlers({ services, emit, version }: HandlerContext): Handlers {
  const { campaigns } = services;
  return {
    'app:status': () => ({ state: 'ready', dataDir: services.dataDir, version }),

    'campaigns:list': (input) => campaigns.list(input?.search),
    'campaigns:create': ({ name }) => {
      const created = campaigns.create(name);
      emit('campaigns:changed', { ids: [created.id] });
      return created;
    },
    'campaigns:rename': ({ id, name }) => {
      const renamed = campaigns.rename(id, name);
      emit('campaigns:changed', { ids: [id] });
      return renamed;
    },
    'campaigns:duplicate': ({ id }) => {
      const copy = campaigns.duplicate(id);
      emit('campaigns:changed', { ids: [copy.id] });
      return copy;
    },
    'campaigns:delete': ({ id }) => {
      campaigns.delete(id);
      emit('campaigns:changed', { ids: [id] });
      return { deleted: true as const };
    },
  };
}
