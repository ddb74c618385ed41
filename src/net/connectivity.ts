/**
 * @module net/connectivity
 * Whether a device can reach the server. Offline is what the device knows (connections are
 * refused at once); a partition is what it does not know: the device is online, but its
 * packets in one or both directions never arrive (a captive portal, a dead route).
 * Directions are the device's: outbound = device → server, inbound = server → device.
 */

export type PartitionDirection = 'both' | 'outbound' | 'inbound';

interface DeviceLinkState {
  online: boolean;
  outboundCut: boolean;
  inboundCut: boolean;
}

export class Connectivity {
  private readonly states = new Map<string, DeviceLinkState>();

  private state(deviceId: string): DeviceLinkState {
    let state = this.states.get(deviceId);
    if (state === undefined) {
      state = { online: true, outboundCut: false, inboundCut: false };
      this.states.set(deviceId, state);
    }
    return state;
  }

  setOnline(deviceId: string, online: boolean): void {
    this.state(deviceId).online = online;
  }

  isOnline(deviceId: string): boolean {
    return this.states.get(deviceId)?.online ?? true;
  }

  partition(deviceId: string, direction: PartitionDirection): void {
    const state = this.state(deviceId);
    if (direction !== 'inbound') state.outboundCut = true;
    if (direction !== 'outbound') state.inboundCut = true;
  }

  repair(deviceId: string): void {
    const state = this.state(deviceId);
    state.outboundCut = false;
    state.inboundCut = false;
  }

  /** True when a request sent now would be lost on its way to the server. */
  outboundCut(deviceId: string): boolean {
    return this.states.get(deviceId)?.outboundCut ?? false;
  }

  /** True when a response sent now would be lost on its way to the device. */
  inboundCut(deviceId: string): boolean {
    return this.states.get(deviceId)?.inboundCut ?? false;
  }
}
