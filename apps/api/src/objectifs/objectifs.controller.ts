import { Body, Controller, Param, Post } from '@nestjs/common';
import { anneePipe } from '../validation/annee.pipe';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandExecutor, type CommandContext } from '@suivi/commands';
import { objectifsDecider, objectifsStream } from '@suivi/domain';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { Heures } from '../validation/fields';
import { resultat, ResultatEcriture } from '../write-side/write-result';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

export class FixerObjectifsDto {
  @Heures({ example: 300000, description: "Heures d'insertion visées sur l'année." })
  heures: number;

  @ApiProperty({ example: 0.2, description: 'Part des personnes résidant en QPV visée, entre 0 et 1.' })
  @IsNumber({}, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  @Min(0, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  @Max(1, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  partQpvPersonnes: number;

  @ApiProperty({ example: 45, description: 'Nombre de personnes en emploi visé (sortie en emploi durable ou de transition).' })
  @IsInt({ message: 'personnesEnEmploi doit être un nombre entier' })
  @Min(0, { message: 'personnesEnEmploi doit être positif' })
  personnesEnEmploi: number;
}

export class FixerObjectifsCommand extends Command<ResultatEcriture> {
  constructor(readonly annee: number, readonly dto: FixerObjectifsDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(FixerObjectifsCommand)
export class FixerObjectifsHandler implements ICommandHandler<FixerObjectifsCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ annee, dto, context }: FixerObjectifsCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({
      streamId: objectifsStream(annee),
      decider: objectifsDecider,
      context,
      command: () => ({ type: 'FixerObjectifs', annee, ...dto }),
    });
    return resultat(String(annee), result);
  }
}

@ApiTags('objectifs')
@Controller('objectifs')
export class ObjectifsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':annee')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Fixer les objectifs du financeur pour une année (les fixer de nouveau remplace les précédents) ; l'id rendu est l'année" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  fixer(@Param('annee', anneePipe) annee: number, @Body() dto: FixerObjectifsDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new FixerObjectifsCommand(annee, dto, context));
  }
}
