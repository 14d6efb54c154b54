import { Notification } from 'electron';
import type { AdminEvent } from '../../shared/api/events';
import { formatResetTime, notifyOnBudgetAlerts } from './budget-notification';

/** Native notifications for budget alerts the gateway publishes in-process; returns the unsubscribe. */
export function notifyBudgetAlerts(options: {
  subscribe: (listener: (event: AdminEvent) => void) => () => void;
  iconPath: string;
  openWindow: () => void;
}): () => void {
  return notifyOnBudgetAlerts({
    subscribe: options.subscribe,
    formatTime: (resetAt) => formatResetTime(resetAt, Date.now()),
    show: (text) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ ...text, icon: options.iconPath });
      notification.on('click', options.openWindow);
      notification.show();
    },
  });
}
