import { Injectable, type OnApplicationBootstrap, RequestMethod, type Type } from '@nestjs/common';
import type { VersionValue } from '@nestjs/common/interfaces';
import { METHOD_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { addLeadingSlash } from '@nestjs/common/utils/shared.utils';
import { ApplicationConfig, DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory';
import { ACTION_METADATA, PUBLIC_METADATA } from './acces.decorators';

export interface RouteDeclaree {
  controleur: string;
  methode: string;
  /** The HTTP method, upper case: 'GET', 'POST', 'PUT'… */
  verbe: string;
  /** The path as the router serves it: global prefix (unless excluded), module, controller and handler paths, e.g. '/api/marches/:id/avenants'. */
  chemin: string;
  /** `${verbe} ${chemin}`, e.g. 'POST /api/marches/:id/avenants': one key per served route. */
  route: string;
  /** The action it performs, 'public', or null when it declares neither. */
  politique: string | null;
}

/**
 * Every route of the application and its declared policy. A route without one would be closed
 * by AccesGuard; this makes the omission loud instead: the api refuses to start.
 *
 * Paths are built by Nest's own RoutePathFactory, with the same inputs as its router (global
 * prefix and its exclusions, module path, versions), so `chemin` is the path actually served.
 * Read once the global prefix is set (onApplicationBootstrap and later).
 */
@Injectable()
export class RoutesDeclarees implements OnApplicationBootstrap {
  private readonly chemins: RoutePathFactory;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly applicationConfig: ApplicationConfig,
    private readonly modules: ModulesContainer,
  ) {
    this.chemins = new RoutePathFactory(applicationConfig);
  }

  lister(): RouteDeclaree[] {
    const routes: RouteDeclaree[] = [];
    const globalPrefix = this.applicationConfig.getGlobalPrefix();
    const versioningOptions = this.applicationConfig.getVersioning();
    for (const wrapper of this.discovery.getControllers()) {
      const controleur = wrapper.metatype as Type<unknown> | null | undefined;
      if (!controleur) continue;
      const prototype = controleur.prototype as Record<string, unknown>;
      const modulePath = this.cheminDuModule(wrapper.host?.metatype);
      const controllerVersion = Reflect.getMetadata(VERSION_METADATA, controleur) as VersionValue | undefined;
      for (const methode of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methode] as (...args: unknown[]) => unknown;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (methodPaths === undefined || requestMethod === undefined) continue;
        const targets = [handler, controleur];
        const publique = this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets);
        const action = this.reflector.getAllAndOverride<string>(ACTION_METADATA, targets);
        const politique = publique ? 'public' : (action ?? null);
        const verbe = RequestMethod[requestMethod];
        const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler) as VersionValue | undefined;
        for (const ctrlPath of toArray(Reflect.getMetadata(PATH_METADATA, controleur) as string | string[] | undefined)) {
          for (const methodPath of toArray(methodPaths)) {
            const servis = this.chemins.create(
              { ctrlPath: addLeadingSlash(ctrlPath), methodPath: addLeadingSlash(methodPath), modulePath, globalPrefix, controllerVersion, methodVersion, versioningOptions },
              requestMethod,
            );
            for (const chemin of servis) {
              routes.push({ controleur: wrapper.name, methode, verbe, chemin, route: `${verbe} ${chemin}`, politique });
            }
          }
        }
      }
    }
    return routes;
  }

  onApplicationBootstrap(): void {
    const sansPolitique = this.lister().filter((r) => r.politique === null);
    if (sansPolitique.length > 0) {
      throw new Error(
        `Routes without an access policy (add @Autorise(action) or @Public()): ${sansPolitique.map((r) => `${r.controleur}.${r.methode} (${r.route})`).join(', ')}`,
      );
    }
  }

  /** The path a RouterModule gives the controller's module, as the router reads it. */
  private cheminDuModule(module: unknown): string | undefined {
    if (!module) return undefined;
    return (Reflect.getMetadata(MODULE_PATH + this.modules.applicationId, module as object) ?? Reflect.getMetadata(MODULE_PATH, module as object)) as string | undefined;
  }
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}
