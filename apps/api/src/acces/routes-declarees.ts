import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACTION_METADATA, PUBLIC_METADATA } from './acces.decorators';

export interface RouteDeclaree {
  controleur: string;
  methode: string;
  /** The action it performs, 'public', or null when it declares neither. */
  politique: string | null;
}

/**
 * Every route of the application and its declared policy. A route without one would be closed
 * by AccesGuard; this makes the omission loud instead: the api refuses to start.
 */
@Injectable()
export class RoutesDeclarees implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  lister(): RouteDeclaree[] {
    const routes: RouteDeclaree[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const methode of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methode] as (...args: unknown[]) => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const targets = [handler, wrapper.metatype as object];
        const publique = this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets as never);
        const action = this.reflector.getAllAndOverride<string>(ACTION_METADATA, targets as never);
        routes.push({ controleur: wrapper.name, methode, politique: publique ? 'public' : (action ?? null) });
      }
    }
    return routes;
  }

  onApplicationBootstrap(): void {
    const sansPolitique = this.lister().filter((r) => r.politique === null);
    if (sansPolitique.length > 0) {
      throw new Error(
        `Routes without an access policy (add @Autorise(action) or @Public()): ${sansPolitique.map((r) => `${r.controleur}.${r.methode}`).join(', ')}`,
      );
    }
  }
}
