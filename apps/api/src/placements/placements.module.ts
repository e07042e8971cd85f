import { Module } from '@nestjs/common';
import { PlacementsConnus } from '@suivi/commands';
import { DeclarationsController } from '../declarations/declarations.controller';
import { CorrigerDeclarationHandler } from '../declarations/declarations.handlers';
import { PlacementsController } from './placements.controller';
import { PlacementsLus } from './placements.queries';
import { DeclarerHeuresHandler, DemarrerPlacementHandler, LirePlacementHandler, TerminerPlacementHandler } from './placements.handlers';

/** Placements and their declarations (which live in the salarié's stream). */
@Module({
  controllers: [PlacementsController, DeclarationsController],
  providers: [DemarrerPlacementHandler, DeclarerHeuresHandler, TerminerPlacementHandler, LirePlacementHandler, CorrigerDeclarationHandler, PlacementsLus, { provide: PlacementsConnus, useFactory: () => new PlacementsConnus() }],
})
export class PlacementsModule {}
