using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Xieshang.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Proposals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HandlingUnitId",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "HandlingUnits",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HandlingUnits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HandlingUnits_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OpinionBulletins",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: true),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SendToParent = table.Column<bool>(type: "INTEGER", nullable: false),
                    ParentCommitteeId = table.Column<int>(type: "INTEGER", nullable: true),
                    ParentCommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionBulletins", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionBulletins_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OpinionBulletins_Committees_ParentCommitteeId",
                        column: x => x.ParentCommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Proposals",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    ProposerType = table.Column<int>(type: "INTEGER", nullable: false),
                    ProposerMemberId = table.Column<int>(type: "INTEGER", nullable: true),
                    ProposerName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SectorId = table.Column<int>(type: "INTEGER", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 40000, nullable: false),
                    Term = table.Column<int>(type: "INTEGER", nullable: false),
                    Session = table.Column<int>(type: "INTEGER", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FiledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CoSignDeadline = table.Column<long>(type: "INTEGER", nullable: true),
                    NotFiledGround = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReviewNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ConvertedTo = table.Column<int>(type: "INTEGER", nullable: false),
                    ConvertedOpinionId = table.Column<int>(type: "INTEGER", nullable: true),
                    MergedIntoId = table.Column<int>(type: "INTEGER", nullable: true),
                    AssignmentMode = table.Column<int>(type: "INTEGER", nullable: true),
                    IsKey = table.Column<bool>(type: "INTEGER", nullable: false),
                    KeyLeaderUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    KeyLeaderName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExcellentYear = table.Column<int>(type: "INTEGER", nullable: true),
                    SearchText = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Proposals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Proposals_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Proposals_Members_ProposerMemberId",
                        column: x => x.ProposerMemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Proposals_Proposals_MergedIntoId",
                        column: x => x.MergedIntoId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ProposalSessions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Term = table.Column<int>(type: "INTEGER", nullable: false),
                    Session = table.Column<int>(type: "INTEGER", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    OpensOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClosesOn = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalSessions_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WorkCalendarDays",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    IsWorkingDay = table.Column<bool>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkCalendarDays", x => x.Date);
                });

            migrationBuilder.CreateTable(
                name: "Assignments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReturnDueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LatestDueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ReturnReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ReturnedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Views = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    RemindersSent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Assignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Assignments_HandlingUnits_HandlingUnitId",
                        column: x => x.HandlingUnitId,
                        principalTable: "HandlingUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Assignments_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpinionItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteePath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AuthorMemberId = table.Column<int>(type: "INTEGER", nullable: true),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 3000, nullable: false),
                    ReviewNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SourceProposalId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionItems_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OpinionItems_Members_AuthorMemberId",
                        column: x => x.AuthorMemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OpinionItems_Proposals_SourceProposalId",
                        column: x => x.SourceProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ProposalCoSigners",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FromMerge = table.Column<bool>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalCoSigners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalCoSigners_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ProposalCoSigners_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProposalEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FromStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    ToStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Data = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalEvents_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Ratings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    ReplyId = table.Column<int>(type: "INTEGER", nullable: false),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    RatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Ratings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Ratings_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Replies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Class = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 40000, nullable: false),
                    IsPublic = table.Column<bool>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    RepliedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OnTime = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Replies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Replies_HandlingUnits_HandlingUnitId",
                        column: x => x.HandlingUnitId,
                        principalTable: "HandlingUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Replies_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Supervisions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Supervisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Supervisions_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ContactLogs",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    HandlingUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Method = table.Column<int>(type: "INTEGER", nullable: false),
                    ContactedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Persons = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ContactLogs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ContactLogs_Assignments_AssignmentId",
                        column: x => x.AssignmentId,
                        principalTable: "Assignments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ContactLogs_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpinionBulletinItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BulletinId = table.Column<int>(type: "INTEGER", nullable: false),
                    OpinionItemId = table.Column<int>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionBulletinItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionBulletinItems_OpinionBulletins_BulletinId",
                        column: x => x.BulletinId,
                        principalTable: "OpinionBulletins",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OpinionBulletinItems_OpinionItems_OpinionItemId",
                        column: x => x.OpinionItemId,
                        principalTable: "OpinionItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OpinionCoAuthors",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OpinionItemId = table.Column<int>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionCoAuthors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionCoAuthors_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OpinionCoAuthors_OpinionItems_OpinionItemId",
                        column: x => x.OpinionItemId,
                        principalTable: "OpinionItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpinionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OpinionItemId = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FromStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    ToStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionEvents_OpinionItems_OpinionItemId",
                        column: x => x.OpinionItemId,
                        principalTable: "OpinionItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpinionOutcomes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OpinionItemId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitteeId = table.Column<int>(type: "INTEGER", nullable: true),
                    LeaderName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpinionOutcomes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpinionOutcomes_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OpinionOutcomes_OpinionItems_OpinionItemId",
                        column: x => x.OpinionItemId,
                        principalTable: "OpinionItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProposalFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventId = table.Column<long>(type: "INTEGER", nullable: true),
                    ReplyId = table.Column<int>(type: "INTEGER", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalFiles_ProposalEvents_EventId",
                        column: x => x.EventId,
                        principalTable: "ProposalEvents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProposalFiles_Proposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "Proposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProposalFiles_Replies_ReplyId",
                        column: x => x.ReplyId,
                        principalTable: "Replies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_HandlingUnitId",
                table: "AspNetUsers",
                column: "HandlingUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_HandlingUnitId_Status_ProposalId",
                table: "Assignments",
                columns: new[] { "HandlingUnitId", "Status", "ProposalId" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_ProposalId",
                table: "Assignments",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_Status_DueOn",
                table: "Assignments",
                columns: new[] { "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_ContactLogs_AssignmentId",
                table: "ContactLogs",
                column: "AssignmentId");

            migrationBuilder.CreateIndex(
                name: "IX_ContactLogs_ProposalId",
                table: "ContactLogs",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_HandlingUnits_Code",
                table: "HandlingUnits",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HandlingUnits_CommitteeId",
                table: "HandlingUnits",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_HandlingUnits_CommitteePath",
                table: "HandlingUnits",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionBulletinItems_BulletinId_OpinionItemId",
                table: "OpinionBulletinItems",
                columns: new[] { "BulletinId", "OpinionItemId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpinionBulletinItems_OpinionItemId",
                table: "OpinionBulletinItems",
                column: "OpinionItemId");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionBulletins_CommitteeId_Year_Sequence",
                table: "OpinionBulletins",
                columns: new[] { "CommitteeId", "Year", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpinionBulletins_CommitteePath_Id",
                table: "OpinionBulletins",
                columns: new[] { "CommitteePath", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OpinionBulletins_ParentCommitteeId_Status",
                table: "OpinionBulletins",
                columns: new[] { "ParentCommitteeId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_OpinionCoAuthors_MemberId",
                table: "OpinionCoAuthors",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionCoAuthors_OpinionItemId_MemberId",
                table: "OpinionCoAuthors",
                columns: new[] { "OpinionItemId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpinionEvents_OpinionItemId_Id",
                table: "OpinionEvents",
                columns: new[] { "OpinionItemId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OpinionItems_AuthorMemberId_Id",
                table: "OpinionItems",
                columns: new[] { "AuthorMemberId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OpinionItems_CommitteeId",
                table: "OpinionItems",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionItems_CommitteePath_Status_Id",
                table: "OpinionItems",
                columns: new[] { "CommitteePath", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OpinionItems_CreatedByUserId",
                table: "OpinionItems",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionItems_SourceProposalId",
                table: "OpinionItems",
                column: "SourceProposalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpinionOutcomes_CommitteeId",
                table: "OpinionOutcomes",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_OpinionOutcomes_OpinionItemId",
                table: "OpinionOutcomes",
                column: "OpinionItemId");

            migrationBuilder.CreateIndex(
                name: "IX_ProposalCoSigners_MemberId_Status",
                table: "ProposalCoSigners",
                columns: new[] { "MemberId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ProposalCoSigners_ProposalId_MemberId",
                table: "ProposalCoSigners",
                columns: new[] { "ProposalId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProposalEvents_ProposalId_Id",
                table: "ProposalEvents",
                columns: new[] { "ProposalId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ProposalFiles_EventId",
                table: "ProposalFiles",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_ProposalFiles_ProposalId",
                table: "ProposalFiles",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_ProposalFiles_ReplyId",
                table: "ProposalFiles",
                column: "ReplyId");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_CommitteeId_Term_Session_Sequence",
                table: "Proposals",
                columns: new[] { "CommitteeId", "Term", "Session", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_CommitteePath_Status_Id",
                table: "Proposals",
                columns: new[] { "CommitteePath", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_MergedIntoId",
                table: "Proposals",
                column: "MergedIntoId");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_Office",
                table: "Proposals",
                columns: new[] { "CommitteePath", "Id" },
                filter: "\"SubmittedAt\" IS NOT NULL OR \"ProposerMemberId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_ProposerMemberId",
                table: "Proposals",
                column: "ProposerMemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_Status_Id",
                table: "Proposals",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_UpdatedAt",
                table: "Proposals",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ProposalSessions_CommitteeId_Term_Session",
                table: "ProposalSessions",
                columns: new[] { "CommitteeId", "Term", "Session" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Ratings_ProposalId",
                table: "Ratings",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_Ratings_ReplyId",
                table: "Ratings",
                column: "ReplyId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Replies_HandlingUnitId_RepliedAt",
                table: "Replies",
                columns: new[] { "HandlingUnitId", "RepliedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Replies_ProposalId",
                table: "Replies",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_Supervisions_ProposalId",
                table: "Supervisions",
                column: "ProposalId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ContactLogs");

            migrationBuilder.DropTable(
                name: "OpinionBulletinItems");

            migrationBuilder.DropTable(
                name: "OpinionCoAuthors");

            migrationBuilder.DropTable(
                name: "OpinionEvents");

            migrationBuilder.DropTable(
                name: "OpinionOutcomes");

            migrationBuilder.DropTable(
                name: "ProposalCoSigners");

            migrationBuilder.DropTable(
                name: "ProposalFiles");

            migrationBuilder.DropTable(
                name: "ProposalSessions");

            migrationBuilder.DropTable(
                name: "Ratings");

            migrationBuilder.DropTable(
                name: "Supervisions");

            migrationBuilder.DropTable(
                name: "WorkCalendarDays");

            migrationBuilder.DropTable(
                name: "Assignments");

            migrationBuilder.DropTable(
                name: "OpinionBulletins");

            migrationBuilder.DropTable(
                name: "OpinionItems");

            migrationBuilder.DropTable(
                name: "ProposalEvents");

            migrationBuilder.DropTable(
                name: "Replies");

            migrationBuilder.DropTable(
                name: "HandlingUnits");

            migrationBuilder.DropTable(
                name: "Proposals");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_HandlingUnitId",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "HandlingUnitId",
                table: "AspNetUsers");
        }
    }
}
