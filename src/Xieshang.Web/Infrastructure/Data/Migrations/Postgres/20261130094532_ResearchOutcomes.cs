using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Xieshang.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResearchOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ConsultationFiles_ConsultationRecommendations_Recommendatio~",
                table: "ConsultationFiles");

            migrationBuilder.DropTable(
                name: "RecommendationInstructions");

            migrationBuilder.DropTable(
                name: "RecommendationMilestones");

            migrationBuilder.DropTable(
                name: "ConsultationRecommendations");

            migrationBuilder.DropIndex(
                name: "IX_ConsultationFiles_RecommendationId",
                table: "ConsultationFiles");

            migrationBuilder.DropColumn(
                name: "RecommendationId",
                table: "ConsultationFiles");

            migrationBuilder.CreateTable(
                name: "Outcomes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    SourceType = table.Column<int>(type: "integer", nullable: false),
                    SourceId = table.Column<int>(type: "integer", nullable: false),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SubmittedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Adoption = table.Column<int>(type: "integer", nullable: false),
                    AdoptingBody = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AdoptedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    AdoptionNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ResponsibleUnitId = table.Column<int>(type: "integer", nullable: true),
                    Percent = table.Column<int>(type: "integer", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ImplementedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Feedback = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    FeedbackOn = table.Column<DateOnly>(type: "date", nullable: true),
                    MemberIds = table.Column<List<int>>(type: "integer[]", nullable: false),
                    LastProgressAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outcomes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Outcomes_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Outcomes_HandlingUnits_ResponsibleUnitId",
                        column: x => x.ResponsibleUnitId,
                        principalTable: "HandlingUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ResearchProjects",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Background = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ParentId = table.Column<int>(type: "integer", nullable: true),
                    IsJoint = table.Column<bool>(type: "boolean", nullable: false),
                    TopicClaimId = table.Column<int>(type: "integer", nullable: true),
                    Plan = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    PlanSubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PlanApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PlanApprovedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: true),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ReportStatus = table.Column<int>(type: "integer", nullable: false),
                    ReportTitle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReportBody = table.Column<string>(type: "character varying(100000)", maxLength: 100000, nullable: false),
                    Findings = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Suggestions = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    SentTo = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReportSubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReportApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReportSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReturnReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SharedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchProjects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchProjects_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResearchProjects_ResearchProjects_ParentId",
                        column: x => x.ParentId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ResearchTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Background = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Deadline = table.Column<DateOnly>(type: "date", nullable: false),
                    MaxClaims = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchTopics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchTopics_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Studios",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    SectorId = table.Column<int>(type: "integer", nullable: true),
                    TownshipCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    TownshipName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CountyCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Directions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Schedule = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContactPhone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    IsPublished = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Studios", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Studios_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Studios_Sectors_SectorId",
                        column: x => x.SectorId,
                        principalTable: "Sectors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "WorkLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FromType = table.Column<int>(type: "integer", nullable: false),
                    FromId = table.Column<int>(type: "integer", nullable: false),
                    ToType = table.Column<int>(type: "integer", nullable: false),
                    ToId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkLinks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutcomeInstructions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OutcomeId = table.Column<int>(type: "integer", nullable: false),
                    LeaderName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutcomeInstructions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutcomeInstructions_Outcomes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "Outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutcomeMilestones",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OutcomeId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    DoneOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutcomeMilestones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutcomeMilestones_Outcomes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "Outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutcomeProgress",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OutcomeId = table.Column<int>(type: "integer", nullable: false),
                    Percent = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    ByUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutcomeProgress", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutcomeProgress_Outcomes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "Outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JointResearchInvitations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ParentId = table.Column<int>(type: "integer", nullable: false),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    InvitedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    InvitedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnsweredBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubProjectId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JointResearchInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JointResearchInvitations_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_JointResearchInvitations_ResearchProjects_ParentId",
                        column: x => x.ParentId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_JointResearchInvitations_ResearchProjects_SubProjectId",
                        column: x => x.SubProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "ResearchEvents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ByUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchEvents_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResearchFieldWork",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    ActivityId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchFieldWork", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchFieldWork_Activities_ActivityId",
                        column: x => x.ActivityId,
                        principalTable: "Activities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResearchFieldWork_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResearchOrganizers",
                columns: table => new
                {
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    SortOrder = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchOrganizers", x => new { x.ResearchProjectId, x.CommitteeId });
                    table.ForeignKey(
                        name: "FK_ResearchOrganizers_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResearchOrganizers_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResearchOutputs",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    TargetId = table.Column<int>(type: "integer", nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchOutputs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchOutputs_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResearchTeamMembers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: true),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchTeamMembers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchTeamMembers_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResearchTeamMembers_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TopicClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TopicId = table.Column<int>(type: "integer", nullable: false),
                    ClaimNumber = table.Column<int>(type: "integer", nullable: false),
                    SectorId = table.Column<int>(type: "integer", nullable: true),
                    SpecialCommitteeId = table.Column<int>(type: "integer", nullable: true),
                    MemberId = table.Column<int>(type: "integer", nullable: true),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopicClaims", x => x.Id);
                    table.CheckConstraint("CK_TopicClaims_OneClaimant", "(CASE WHEN \"SectorId\" IS NULL THEN 0 ELSE 1 END) + (CASE WHEN \"SpecialCommitteeId\" IS NULL THEN 0 ELSE 1 END) + (CASE WHEN \"MemberId\" IS NULL THEN 0 ELSE 1 END) = 1");
                    table.ForeignKey(
                        name: "FK_TopicClaims_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TopicClaims_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_TopicClaims_ResearchTopics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "ResearchTopics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TopicClaims_Sectors_SectorId",
                        column: x => x.SectorId,
                        principalTable: "Sectors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TopicClaims_SpecialCommittees_SpecialCommitteeId",
                        column: x => x.SpecialCommitteeId,
                        principalTable: "SpecialCommittees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "StudioActivities",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StudioId = table.Column<int>(type: "integer", nullable: false),
                    ActivityId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudioActivities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudioActivities_Activities_ActivityId",
                        column: x => x.ActivityId,
                        principalTable: "Activities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_StudioActivities_Studios_StudioId",
                        column: x => x.StudioId,
                        principalTable: "Studios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StudioMembers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StudioId = table.Column<int>(type: "integer", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: false),
                    OnDuty = table.Column<bool>(type: "boolean", nullable: false),
                    DutyNote = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudioMembers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudioMembers_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_StudioMembers_Studios_StudioId",
                        column: x => x.StudioId,
                        principalTable: "Studios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StudioMessages",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StudioId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    TrackingCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Content = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Photo = table.Column<byte[]>(type: "bytea", nullable: true),
                    PhotoContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Answer = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    AnsweredByMemberId = table.Column<int>(type: "integer", nullable: true),
                    AnsweredByName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConvertedProposalId = table.Column<int>(type: "integer", nullable: true),
                    ConvertedOpinionId = table.Column<int>(type: "integer", nullable: true),
                    ConvertedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClientKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ChallengeNonce = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudioMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudioMessages_Studios_StudioId",
                        column: x => x.StudioId,
                        principalTable: "Studios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutcomeFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OutcomeId = table.Column<int>(type: "integer", nullable: false),
                    ProgressId = table.Column<int>(type: "integer", nullable: true),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutcomeFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutcomeFiles_OutcomeProgress_ProgressId",
                        column: x => x.ProgressId,
                        principalTable: "OutcomeProgress",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_OutcomeFiles_Outcomes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "Outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResearchFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResearchProjectId = table.Column<int>(type: "integer", nullable: false),
                    FieldWorkId = table.Column<int>(type: "integer", nullable: true),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Caption = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchFiles_ResearchFieldWork_FieldWorkId",
                        column: x => x.FieldWorkId,
                        principalTable: "ResearchFieldWork",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ResearchFiles_ResearchProjects_ResearchProjectId",
                        column: x => x.ResearchProjectId,
                        principalTable: "ResearchProjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_JointResearchInvitations_CommitteeId",
                table: "JointResearchInvitations",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_JointResearchInvitations_CommitteePath",
                table: "JointResearchInvitations",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_JointResearchInvitations_ParentId_CommitteeId",
                table: "JointResearchInvitations",
                columns: new[] { "ParentId", "CommitteeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_JointResearchInvitations_SubProjectId",
                table: "JointResearchInvitations",
                column: "SubProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeFiles_OutcomeId",
                table: "OutcomeFiles",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeFiles_ProgressId",
                table: "OutcomeFiles",
                column: "ProgressId");

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeInstructions_OutcomeId",
                table: "OutcomeInstructions",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeMilestones_OutcomeId",
                table: "OutcomeMilestones",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeProgress_OutcomeId",
                table: "OutcomeProgress",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_Outcomes_CommitteeId",
                table: "Outcomes",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_Outcomes_CommitteePath",
                table: "Outcomes",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Outcomes_ResponsibleUnitId",
                table: "Outcomes",
                column: "ResponsibleUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_Outcomes_SourceType_SourceId",
                table: "Outcomes",
                columns: new[] { "SourceType", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_ResearchEvents_ResearchProjectId",
                table: "ResearchEvents",
                column: "ResearchProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchFieldWork_ActivityId",
                table: "ResearchFieldWork",
                column: "ActivityId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchFieldWork_ResearchProjectId",
                table: "ResearchFieldWork",
                column: "ResearchProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchFiles_FieldWorkId",
                table: "ResearchFiles",
                column: "FieldWorkId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchFiles_ResearchProjectId",
                table: "ResearchFiles",
                column: "ResearchProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchOrganizers_CommitteeId",
                table: "ResearchOrganizers",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchOrganizers_CommitteePath",
                table: "ResearchOrganizers",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchOutputs_ResearchProjectId",
                table: "ResearchOutputs",
                column: "ResearchProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchProjects_CommitteeId",
                table: "ResearchProjects",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchProjects_CommitteePath",
                table: "ResearchProjects",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchProjects_ParentId",
                table: "ResearchProjects",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchProjects_ParentId_CommitteeId",
                table: "ResearchProjects",
                columns: new[] { "ParentId", "CommitteeId" },
                unique: true,
                filter: "\"ParentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchTeamMembers_MemberId",
                table: "ResearchTeamMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchTeamMembers_ResearchProjectId_MemberId_Role",
                table: "ResearchTeamMembers",
                columns: new[] { "ResearchProjectId", "MemberId", "Role" },
                unique: true,
                filter: "\"MemberId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchTopics_CommitteeId",
                table: "ResearchTopics",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchTopics_CommitteePath",
                table: "ResearchTopics",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_StudioActivities_ActivityId",
                table: "StudioActivities",
                column: "ActivityId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StudioActivities_StudioId",
                table: "StudioActivities",
                column: "StudioId");

            migrationBuilder.CreateIndex(
                name: "IX_StudioMembers_MemberId",
                table: "StudioMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_StudioMembers_StudioId_MemberId",
                table: "StudioMembers",
                columns: new[] { "StudioId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StudioMessages_ChallengeNonce",
                table: "StudioMessages",
                column: "ChallengeNonce",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StudioMessages_ClientKey_CreatedAt",
                table: "StudioMessages",
                columns: new[] { "ClientKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StudioMessages_StudioId_Status",
                table: "StudioMessages",
                columns: new[] { "StudioId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_StudioMessages_TrackingCode",
                table: "StudioMessages",
                column: "TrackingCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Studios_CommitteeId",
                table: "Studios",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_Studios_CommitteePath",
                table: "Studios",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Studios_SectorId",
                table: "Studios",
                column: "SectorId");

            migrationBuilder.CreateIndex(
                name: "IX_Studios_TownshipCode",
                table: "Studios",
                column: "TownshipCode");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_MemberId",
                table: "TopicClaims",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_ResearchProjectId",
                table: "TopicClaims",
                column: "ResearchProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_SectorId",
                table: "TopicClaims",
                column: "SectorId");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_SpecialCommitteeId",
                table: "TopicClaims",
                column: "SpecialCommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_TopicId_ClaimNumber",
                table: "TopicClaims",
                columns: new[] { "TopicId", "ClaimNumber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_TopicId_MemberId",
                table: "TopicClaims",
                columns: new[] { "TopicId", "MemberId" },
                unique: true,
                filter: "\"MemberId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_TopicId_SectorId",
                table: "TopicClaims",
                columns: new[] { "TopicId", "SectorId" },
                unique: true,
                filter: "\"SectorId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TopicClaims_TopicId_SpecialCommitteeId",
                table: "TopicClaims",
                columns: new[] { "TopicId", "SpecialCommitteeId" },
                unique: true,
                filter: "\"SpecialCommitteeId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_WorkLinks_FromType_FromId_ToType_ToId",
                table: "WorkLinks",
                columns: new[] { "FromType", "FromId", "ToType", "ToId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkLinks_ToType_ToId",
                table: "WorkLinks",
                columns: new[] { "ToType", "ToId" });
            // Hand-added (re-add after tools/remigrate.sh): copy the consultations' recommendations into Outcomes, keeping ids.
            Xieshang.Web.Features.Outcomes.OutcomeMigrationSql.CopyRecommendations(migrationBuilder, "PostgreSQL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "JointResearchInvitations");

            migrationBuilder.DropTable(
                name: "OutcomeFiles");

            migrationBuilder.DropTable(
                name: "OutcomeInstructions");

            migrationBuilder.DropTable(
                name: "OutcomeMilestones");

            migrationBuilder.DropTable(
                name: "ResearchEvents");

            migrationBuilder.DropTable(
                name: "ResearchFiles");

            migrationBuilder.DropTable(
                name: "ResearchOrganizers");

            migrationBuilder.DropTable(
                name: "ResearchOutputs");

            migrationBuilder.DropTable(
                name: "ResearchTeamMembers");

            migrationBuilder.DropTable(
                name: "StudioActivities");

            migrationBuilder.DropTable(
                name: "StudioMembers");

            migrationBuilder.DropTable(
                name: "StudioMessages");

            migrationBuilder.DropTable(
                name: "TopicClaims");

            migrationBuilder.DropTable(
                name: "WorkLinks");

            migrationBuilder.DropTable(
                name: "OutcomeProgress");

            migrationBuilder.DropTable(
                name: "ResearchFieldWork");

            migrationBuilder.DropTable(
                name: "Studios");

            migrationBuilder.DropTable(
                name: "ResearchTopics");

            migrationBuilder.DropTable(
                name: "Outcomes");

            migrationBuilder.DropTable(
                name: "ResearchProjects");

            migrationBuilder.AddColumn<int>(
                name: "RecommendationId",
                table: "ConsultationFiles",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConsultationRecommendations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AdoptedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    AdoptingBody = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Adoption = table.Column<int>(type: "integer", nullable: false),
                    AdoptionNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Feedback = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    FeedbackOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ImplementedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    MemberIds = table.Column<List<int>>(type: "integer[]", nullable: false),
                    Percent = table.Column<int>(type: "integer", nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationRecommendations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationRecommendations_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationInstructions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LeaderName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    RecommendationId = table.Column<int>(type: "integer", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationInstructions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationInstructions_ConsultationRecommendations_Reco~",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationMilestones",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DoneOn = table.Column<DateOnly>(type: "date", nullable: true),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    RecommendationId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationMilestones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationMilestones_ConsultationRecommendations_Recomm~",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationFiles_RecommendationId",
                table: "ConsultationFiles",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRecommendations_ConsultationId",
                table: "ConsultationRecommendations",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationInstructions_RecommendationId",
                table: "RecommendationInstructions",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationMilestones_RecommendationId",
                table: "RecommendationMilestones",
                column: "RecommendationId");

            migrationBuilder.AddForeignKey(
                name: "FK_ConsultationFiles_ConsultationRecommendations_Recommendatio~",
                table: "ConsultationFiles",
                column: "RecommendationId",
                principalTable: "ConsultationRecommendations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
